import type { MsgHdrs } from '@nats-io/nats-core';
import type { z } from 'zod';
import type { BusLogger } from './bus.logger';
import { InvalidMessageError, NonRetryableError } from './messaging.errors';
import { extractTraceContext, TraceContext } from './trace-context';

/** What a handler learns about the message besides its payload. */
export interface MessageContext {
  /** Subject without the bus namespace, e.g. `ocr.tasks.cpu.p0`. */
  subject: string;
  /** The publisher's `Nats-Msg-Id`, when it set one. */
  msgId?: string;
  /** 1 on the first delivery, 2 on the first redelivery… */
  deliveryCount: number;
  /** True when a failure now would not be retried (maxDeliver reached): report it as final. */
  isLastAttempt: boolean;
  streamSequence: number;
  headers?: MsgHdrs;
  /** The publisher's trace context, to continue the trace. */
  trace?: TraceContext;
  /** Extends the ack deadline now (the runner already does so periodically). */
  working(): void;
}

export type MessageHandler<T> = (payload: T, context: MessageContext) => Promise<void> | void;

export interface HandlerOptions<T> {
  handler: MessageHandler<T>;
  /** Validates the decoded JSON; a mismatch is logged and terminated. Without it, payloads are `unknown` JSON. */
  schema?: z.ZodType<T>;
  /** Ack deadline; also the consumer's `ack_wait`. Default 30 s. */
  ackWaitMs?: number;
  /** Deliveries before a failing message is given up (terminated). Default 5. */
  maxDeliver?: number;
  /** Messages handled at once. Default 1. */
  concurrency?: number;
  /** Delay before a failed message is redelivered: a number or a function of the delivery count. Default 1 s, 2 s, 4 s… capped at 30 s. */
  nakDelayMs?: number | ((deliveryCount: number) => number);
  /** How often `working()` is sent while a handler runs. Default a third of ackWaitMs. */
  heartbeatMs?: number;
}

/** A delivered message, whichever way it was pulled. */
export interface Delivery {
  subject: string;
  data: Uint8Array;
  headers?: MsgHdrs;
  deliveryCount: number;
  streamSequence: number;
  ack(): void;
  nak(delayMs?: number): void;
  term(): void;
  working(): void;
}

/** A running consumer. */
export interface ConsumerHandle {
  /** Stops pulling, lets in-flight handlers finish (and ack), then resolves. */
  stop(): Promise<void>;
  /** Messages handled so far (acked, nak'ed or terminated). */
  readonly handled: number;
}

export const DEFAULTS = { ackWaitMs: 30_000, maxDeliver: 5, concurrency: 1 } as const;

export function defaultNakDelay(deliveryCount: number): number {
  return Math.min(1000 * 2 ** Math.max(0, deliveryCount - 1), 30_000);
}

/**
 * Runs one delivery through decode → validate → handler → ack / nak / term, sending `working()`
 * while the handler runs. Never throws: every outcome is settled on the message and logged.
 */
export async function handleDelivery<T>(
  delivery: Delivery,
  options: HandlerOptions<T>,
  stripNamespace: (subject: string) => string,
  logger: BusLogger,
  consumer: string,
): Promise<void> {
  const subject = stripNamespace(delivery.subject);
  const maxDeliver = options.maxDeliver ?? DEFAULTS.maxDeliver;
  const msgId = delivery.headers?.get('Nats-Msg-Id') || undefined;
  const where = { consumer, subject, msgId, deliveryCount: delivery.deliveryCount, streamSequence: delivery.streamSequence };

  let payload: T;
  try {
    payload = decode(delivery.data, options.schema);
  } catch (error) {
    logger.error('malformed message terminated', { ...where, error: (error as Error).message });
    delivery.term();
    return;
  }

  const ackWaitMs = options.ackWaitMs ?? DEFAULTS.ackWaitMs;
  const heartbeat = setInterval(() => delivery.working(), options.heartbeatMs ?? Math.max(250, Math.floor(ackWaitMs / 3)));
  try {
    await options.handler(payload, {
      subject,
      msgId,
      deliveryCount: delivery.deliveryCount,
      isLastAttempt: delivery.deliveryCount >= maxDeliver,
      streamSequence: delivery.streamSequence,
      headers: delivery.headers,
      trace: extractTraceContext(delivery.headers),
      working: () => delivery.working(),
    });
    clearInterval(heartbeat);
    delivery.ack();
  } catch (error) {
    clearInterval(heartbeat);
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof NonRetryableError) {
      logger.error('message failed for good, terminated', { ...where, error: reason, code: error.code });
      delivery.term();
    } else if (delivery.deliveryCount >= maxDeliver) {
      logger.error('message failed on its last delivery, terminated', { ...where, error: reason, maxDeliver });
      delivery.term();
    } else {
      const delay = typeof options.nakDelayMs === 'function' ? options.nakDelayMs(delivery.deliveryCount) : (options.nakDelayMs ?? defaultNakDelay(delivery.deliveryCount));
      logger.warn('message failed, will be redelivered', { ...where, error: reason, retryInMs: delay });
      delivery.nak(delay);
    }
  }
}

function decode<T>(data: Uint8Array, schema: z.ZodType<T> | undefined): T {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'));
  } catch {
    throw new InvalidMessageError('payload is not JSON');
  }
  if (!schema) return json as T;
  const result = schema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new InvalidMessageError(`payload does not match its schema: ${problems}`);
  }
  return result.data;
}

/** Bookkeeping shared by the pull loops: in-flight set, free slots, stop. */
export class InFlight {
  private readonly running = new Set<Promise<void>>();
  private wake: (() => void) | undefined;
  handled = 0;

  constructor(readonly concurrency: number) {}

  get free(): number {
    return this.concurrency - this.running.size;
  }

  start(work: Promise<void>): void {
    const tracked = work.finally(() => {
      this.running.delete(tracked);
      this.handled++;
      this.wake?.();
    });
    this.running.add(tracked);
  }

  /** Resolves when a slot is free (at once if one is). */
  async slot(): Promise<void> {
    while (this.free <= 0) await new Promise<void>((resolve) => (this.wake = resolve));
  }

  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}

/** A sleep that `interrupt()` ends early. */
export class Waker {
  private timer: NodeJS.Timeout | undefined;
  private resolve: (() => void) | undefined;
  private pending = false;

  sleep(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.resolve = resolve;
      this.timer = setTimeout(() => this.fire(), ms);
    });
  }

  /** Ends the current sleep, or makes the next one return at once. */
  interrupt(): void {
    if (this.resolve) this.fire();
    else this.pending = true;
  }

  private fire(): void {
    clearTimeout(this.timer);
    const resolve = this.resolve;
    this.resolve = undefined;
    this.timer = undefined;
    resolve?.();
  }
}

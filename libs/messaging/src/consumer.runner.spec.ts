import { z } from 'zod';
import type { BusLogger } from './bus.logger';
import { Delivery, handleDelivery, HandlerOptions, InFlight } from './consumer.runner';
import { NonRetryableError } from './messaging.errors';

class FakeDelivery implements Delivery {
  outcome: string[] = [];
  workingCalls = 0;
  constructor(
    payload: unknown,
    readonly deliveryCount = 1,
    readonly subject = 'ns.ocr.results',
  ) {
    this.data = new TextEncoder().encode(typeof payload === 'string' ? payload : JSON.stringify(payload));
  }
  data: Uint8Array;
  streamSequence = 7;
  ack() {
    this.outcome.push('ack');
  }
  nak(delay?: number) {
    this.outcome.push(`nak ${delay}`);
  }
  term() {
    this.outcome.push('term');
  }
  working() {
    this.workingCalls++;
  }
}

function recordingLogger() {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const logger: BusLogger = {
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  };
  return { logger, lines };
}

const strip = (s: string) => s.replace(/^ns\./, '');
const schema = z.object({ n: z.number() });

async function run(delivery: FakeDelivery, options: HandlerOptions<{ n: number }>) {
  const { logger, lines } = recordingLogger();
  await handleDelivery(delivery, options, strip, logger, 'test-consumer');
  return lines;
}

describe(handleDelivery.name, () => {
  it('hands the validated payload and context to the handler, then acks', async () => {
    const delivery = new FakeDelivery({ n: 1 });
    const seen: unknown[] = [];
    await run(delivery, { schema, handler: (p, ctx) => void seen.push(p, ctx.subject, ctx.deliveryCount, ctx.isLastAttempt) });
    expect(seen).toEqual([{ n: 1 }, 'ocr.results', 1, false]);
    expect(delivery.outcome).toEqual(['ack']);
  });

  it('terminates and logs a payload that is not JSON, without calling the handler', async () => {
    const delivery = new FakeDelivery('{not json');
    const handler = jest.fn();
    const lines = await run(delivery, { schema, handler });
    expect(handler).not.toHaveBeenCalled();
    expect(delivery.outcome).toEqual(['term']);
    expect(lines).toEqual([expect.objectContaining({ level: 'error', message: 'malformed message terminated' })]);
  });

  it('terminates a payload that does not match the schema, naming the field', async () => {
    const delivery = new FakeDelivery({ n: 'one' });
    const lines = await run(delivery, { schema, handler: jest.fn() });
    expect(delivery.outcome).toEqual(['term']);
    expect(lines[0]!.fields!.error).toMatch(/n: /);
  });

  it('naks a failure with the backoff delay', async () => {
    const delivery = new FakeDelivery({ n: 1 }, 2);
    const lines = await run(delivery, { schema, handler: () => Promise.reject(new Error('engine crashed')) });
    expect(delivery.outcome).toEqual(['nak 2000']);
    expect(lines[0]).toMatchObject({ level: 'warn', fields: { error: 'engine crashed', retryInMs: 2000 } });
  });

  it('terminates a NonRetryableError at once', async () => {
    const delivery = new FakeDelivery({ n: 1 });
    await run(delivery, { schema, handler: () => Promise.reject(new NonRetryableError('upload is gone')) });
    expect(delivery.outcome).toEqual(['term']);
  });

  it('terminates on the last delivery and tells the handler it is the last', async () => {
    const delivery = new FakeDelivery({ n: 1 }, 3);
    let last = false;
    await run(delivery, {
      schema,
      maxDeliver: 3,
      handler: (_p, ctx) => {
        last = ctx.isLastAttempt;
        throw new Error('still failing');
      },
    });
    expect(last).toBe(true);
    expect(delivery.outcome).toEqual(['term']);
  });

  it('sends working() while a long handler runs', async () => {
    const delivery = new FakeDelivery({ n: 1 });
    await run(delivery, { schema, heartbeatMs: 20, handler: () => new Promise((r) => setTimeout(r, 130)) });
    expect(delivery.workingCalls).toBeGreaterThanOrEqual(4);
    expect(delivery.outcome).toEqual(['ack']);
  });
});

describe(InFlight.name, () => {
  it('tracks free slots and drains', async () => {
    const sut = new InFlight(2);
    let release!: () => void;
    sut.start(new Promise<void>((r) => (release = r)));
    sut.start(Promise.resolve());
    await Promise.resolve();
    await sut.slot();
    expect(sut.free).toBeGreaterThanOrEqual(1);
    const drained = sut.drain();
    release();
    await drained;
    expect(sut.free).toBe(2);
    expect(sut.handled).toBe(2);
  });
});

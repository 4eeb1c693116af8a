import {
  AckPolicy,
  ConsumerConfig,
  Consumer,
  ConsumerMessages,
  DeliverPolicy,
  DiscardPolicy,
  jetstream,
  JetStreamClient,
  jetstreamManager,
  JetStreamManager,
  JsMsg,
  RetentionPolicy,
  StorageType,
  StreamConfig,
} from '@nats-io/jetstream';
import { headers as natsHeaders, Msg, MsgHdrs, nanos, NatsConnection, NoRespondersError, Subscription } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { Tier } from '@ocr/documents';
import { BusLogger, jsonLineLogger } from './bus.logger';
import { ConsumerHandle, DEFAULTS, Delivery, handleDelivery, HandlerOptions, InFlight, Waker } from './consumer.runner';
import { MessagingError } from './messaging.errors';
import { JobFinishedMessage, OcrTaskMessage, ocrTaskMessageSchema, PageResultMessage } from './messages';
import { pageMessageId, PriorityLane, STREAMS, SUBJECTS, taskSubject, workerLanes } from './subjects';
import { injectTraceContext, TraceContext } from './trace-context';

export interface BusConnectOptions {
  servers: string | string[];
  /** Connection name shown by the server (e.g. `ocr-worker-<host>`). */
  name: string;
  /**
   * Prefixes every subject (`<ns>.ocr.tasks…`) and stream (`<NS>_OCR_TASKS`) so test suites
   * sharing one server never see each other's messages. Letters, digits, `_` and `-`.
   */
  namespace?: string;
  logger?: BusLogger;
  /** Connection and JetStream API request timeout; default 5 s. */
  timeoutMs?: number;
  /** How long `connect` keeps retrying an unreachable server before it fails; default 60 s. */
  connectDeadlineMs?: number;
}

export interface StreamOptions {
  /** Replicas per stream (1 on one server; 3 in a NATS cluster). Default 1. */
  replicas?: number;
  /** JetStream de-duplication window for message ids. Default 2 min. */
  duplicateWindowMs?: number;
  /** How long job events are kept. Default 7 days. */
  eventsMaxAgeMs?: number;
  /** Default 'file' (survives a server restart). */
  storage?: 'file' | 'memory';
}

export interface PublishOptions {
  /** JetStream de-duplication id (`Nats-Msg-Id`). */
  msgID?: string;
  headers?: Record<string, string>;
  trace?: TraceContext;
  /**
   * How long to keep trying while the server is unreachable or restarting. Timeouts are only
   * retried when a msgID makes the retry safe. Default 10 s.
   */
  retryForMs?: number;
}

export interface PublishResult {
  /** True when the stream already had this msgID within its duplicate window (nothing stored). */
  duplicate: boolean;
  seq: number;
  stream: string;
}

export interface ConsumeOptions<T> extends HandlerOptions<T> {
  /** Logical stream name, e.g. `STREAMS.results`. */
  stream: string;
  durable: string;
  /** Un-namespaced subjects; one on servers before 2.10. */
  filterSubjects?: string[];
}

export interface ConsumePrioritizedOptions<T> extends HandlerOptions<T> {
  stream: string;
  /** Highest priority first; one durable consumer per lane (see `workerLanes`). */
  lanes: PriorityLane[];
  /** Longest idle wait between checks when nothing arrives (new messages wake it at once). Default 1 s. */
  idlePollMs?: number;
}

const FETCH_EXPIRES_MS = 5_000;

/**
 * The platform's JetStream access: streams, publishing with de-duplication and trace headers,
 * durable pull consumers with heartbeats, retries and a graceful stop, and readiness figures.
 * The connection reconnects forever; consumers resume when the server comes back.
 */
export class JetStreamBus {
  private readonly consumers = new Set<ConsumerHandle>();
  private connected = true;

  private constructor(
    readonly connection: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    readonly namespace: string | undefined,
    private readonly logger: BusLogger,
  ) {
    void this.watchStatus();
  }

  static async connect(options: BusConnectOptions): Promise<JetStreamBus> {
    if (options.namespace !== undefined && !/^[A-Za-z0-9_-]+$/.test(options.namespace)) {
      throw new MessagingError(`namespace must be letters, digits, _ or -, got ${JSON.stringify(options.namespace)}`);
    }
    const timeout = options.timeoutMs ?? 5_000;
    // A server that is starting, restarting or slow under load is waited for, up to a deadline,
    // rather than failing the service's boot on the first refused or slow attempt.
    const deadline = Date.now() + (options.connectDeadlineMs ?? 60_000);
    let nc: NatsConnection | undefined;
    let jsm: JetStreamManager | undefined;
    for (let attempt = 1; !jsm; attempt++) {
      try {
        nc = await connect({ servers: options.servers, name: options.name, maxReconnectAttempts: -1, reconnectTimeWait: 250, timeout });
        jsm = await jetstreamManager(nc, { timeout });
      } catch (error) {
        await nc?.close().catch(() => undefined);
        nc = undefined;
        if (Date.now() >= deadline) throw error;
        (options.logger ?? jsonLineLogger('messaging')).warn('NATS not reachable yet, retrying', {
          attempt,
          error: (error as Error).message,
        });
        await new Promise((r) => setTimeout(r, Math.min(2_000, 250 * attempt)));
      }
    }
    return new JetStreamBus(nc!, jetstream(nc!, { timeout }), jsm, options.namespace, options.logger ?? jsonLineLogger('messaging'));
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.connection.status()) {
      if (status.type === 'disconnect') {
        this.connected = false;
        this.logger.warn('NATS connection lost, reconnecting', { server: status.server });
      } else if (status.type === 'reconnect') {
        this.connected = true;
        this.logger.info('NATS connection restored', { server: status.server });
      }
    }
  }

  /** The subject as sent on the wire (namespaced). */
  subject(subject: string): string {
    return this.namespace ? `${this.namespace}.${subject}` : subject;
  }

  /** The stream's name on the server (namespaced). */
  streamName(stream: string): string {
    return this.namespace ? `${this.namespace.toUpperCase().replace(/-/g, '_')}_${stream}` : stream;
  }

  private stripNamespace = (subject: string): string =>
    this.namespace && subject.startsWith(`${this.namespace}.`) ? subject.slice(this.namespace.length + 1) : subject;

  /** Creates the three streams, or updates them to this configuration. Safe to call from every replica. */
  async ensureStreams(options: StreamOptions = {}): Promise<void> {
    const storage = options.storage === 'memory' ? StorageType.Memory : StorageType.File;
    const common = {
      storage,
      num_replicas: options.replicas ?? 1,
      duplicate_window: nanos(options.duplicateWindowMs ?? 120_000),
      discard: DiscardPolicy.Old,
    };
    await this.ensureStream({
      ...common,
      name: this.streamName(STREAMS.tasks),
      subjects: [this.subject(`${SUBJECTS.tasks}.>`)],
      retention: RetentionPolicy.Workqueue,
    });
    await this.ensureStream({
      ...common,
      name: this.streamName(STREAMS.results),
      subjects: [this.subject(SUBJECTS.results)],
      retention: RetentionPolicy.Workqueue,
    });
    await this.ensureStream({
      ...common,
      name: this.streamName(STREAMS.events),
      subjects: [this.subject('ocr.jobs.>')],
      retention: RetentionPolicy.Limits,
      max_age: nanos(options.eventsMaxAgeMs ?? 7 * 24 * 3_600_000),
    });
  }

  private async ensureStream(config: Partial<StreamConfig> & { name: string }): Promise<void> {
    const existing = await this.jsm.streams.info(config.name).catch((error: unknown) => {
      if (isNotFound(error)) return null;
      throw error;
    });
    if (!existing) {
      await this.jsm.streams.add(config);
      this.logger.info('stream created', { stream: config.name });
      return;
    }
    const { name, retention: _retention, storage: _storage, ...changeable } = config;
    await this.jsm.streams.update(name, { ...existing.config, ...changeable });
  }

  /** Deletes this bus's three streams (and their consumers): for test teardown and resets. */
  async deleteStreams(): Promise<void> {
    for (const stream of Object.values(STREAMS)) {
      await this.jsm.streams.delete(this.streamName(stream)).catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
    }
  }

  /** Publishes JSON to a (un-namespaced) subject, waiting for the stream's ack. */
  async publish(subject: string, payload: unknown, options: PublishOptions = {}): Promise<PublishResult> {
    const data = JSON.stringify(payload);
    let hdrs: MsgHdrs | undefined;
    if (options.headers || options.trace) {
      hdrs = natsHeaders();
      for (const [k, v] of Object.entries(options.headers ?? {})) hdrs.set(k, v);
      injectTraceContext(hdrs, options.trace);
    }
    const deadline = Date.now() + (options.retryForMs ?? 10_000);
    for (let attempt = 1; ; attempt++) {
      try {
        const ack = await this.js.publish(this.subject(subject), data, {
          ...(options.msgID ? { msgID: options.msgID } : {}),
          ...(hdrs ? { headers: hdrs } : {}),
        });
        return { duplicate: ack.duplicate, seq: ack.seq, stream: ack.stream };
      } catch (error) {
        const retryable = isNoResponders(error) || (options.msgID !== undefined && isTimeout(error)) || !this.connected;
        if (!retryable || Date.now() >= deadline) {
          throw new MessagingError(`publish to ${subject} failed: ${(error as Error).message}`, { cause: error });
        }
        await sleep(Math.min(100 * attempt, 1000));
      }
    }
  }

  /** One page task on `ocr.tasks.<tier>.<priority>`, msg id `<job>:<page>`. */
  publishTask(task: OcrTaskMessage, options: Omit<PublishOptions, 'msgID'> = {}): Promise<PublishResult> {
    return this.publish(taskSubject(task.tier, task.priority), task, { ...options, msgID: pageMessageId(task.job_id, task.page_index) });
  }

  /** One page result on `ocr.results`, msg id `<job>:<page>`. */
  publishPageResult(result: PageResultMessage, options: Omit<PublishOptions, 'msgID'> = {}): Promise<PublishResult> {
    return this.publish(SUBJECTS.results, result, { ...options, msgID: pageMessageId(result.job_id, result.page_index) });
  }

  /** `ocr.jobs.finished`, msg id `<job>:finished`. */
  publishJobFinished(event: JobFinishedMessage, options: Omit<PublishOptions, 'msgID'> = {}): Promise<PublishResult> {
    return this.publish(SUBJECTS.jobsFinished, event, { ...options, msgID: `${event.job_id}:finished` });
  }

  /** Creates the durable pull consumer, or updates what can be changed on it. */
  async ensureConsumer(
    stream: string,
    durable: string,
    filterSubjects: string[] | undefined,
    options: Pick<HandlerOptions<unknown>, 'ackWaitMs' | 'maxDeliver' | 'concurrency'> = {},
  ): Promise<void> {
    const name = this.streamName(stream);
    const filters = (filterSubjects ?? []).map((s) => this.subject(s));
    const wanted: Partial<ConsumerConfig> = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(options.ackWaitMs ?? DEFAULTS.ackWaitMs),
      max_deliver: options.maxDeliver ?? DEFAULTS.maxDeliver,
      max_ack_pending: Math.max(1000, (options.concurrency ?? DEFAULTS.concurrency) * 10),
      ...(filters.length === 1 ? { filter_subject: filters[0] } : filters.length > 1 ? { filter_subjects: filters } : {}),
    };
    const existing = await this.jsm.consumers.info(name, durable).catch((error: unknown) => {
      if (isNotFound(error)) return null;
      throw error;
    });
    try {
      if (!existing) {
        await this.jsm.consumers.add(name, wanted);
        return;
      }
      const c = existing.config;
      if (c.ack_wait !== wanted.ack_wait || c.max_deliver !== wanted.max_deliver || (c.max_ack_pending ?? 0) < wanted.max_ack_pending!) {
        await this.jsm.consumers.update(name, durable, {
          ack_wait: wanted.ack_wait,
          max_deliver: wanted.max_deliver,
          max_ack_pending: wanted.max_ack_pending,
        });
      }
    } catch (error) {
      throw new MessagingError(`cannot set up consumer ${durable} on stream ${name}: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * Runs a durable pull consumer until `stop()`: handler success → ack; a throw → nak with a delay
   * (terminated on a NonRetryableError or the last delivery); malformed payloads are terminated.
   */
  async consume<T>(options: ConsumeOptions<T>): Promise<ConsumerHandle> {
    await this.ensureConsumer(options.stream, options.durable, options.filterSubjects, options);
    const name = this.streamName(options.stream);
    const inFlight = new InFlight(options.concurrency ?? DEFAULTS.concurrency);
    let stopping = false;
    let current: ConsumerMessages | undefined;
    let consumer: Consumer | undefined;

    const loop = async () => {
      let failures = 0;
      while (!stopping) {
        await inFlight.slot();
        if (stopping) break;
        try {
          consumer ??= await this.js.consumers.get(name, options.durable);
          current = await consumer.fetch({ max_messages: inFlight.free, expires: FETCH_EXPIRES_MS });
          for await (const m of current) {
            inFlight.start(handleDelivery(fromJsMsg(m), options, this.stripNamespace, this.logger, options.durable));
          }
          failures = 0;
        } catch (error) {
          if (stopping) break;
          failures++;
          consumer = undefined;
          this.logger.warn('pulling messages failed, retrying', { consumer: options.durable, stream: name, error: (error as Error).message });
          await sleep(Math.min(250 * failures, 2000));
          if (isNotFound(error)) {
            await this.ensureConsumer(options.stream, options.durable, options.filterSubjects, options).catch(() => undefined);
          }
        } finally {
          current = undefined;
        }
      }
    };

    const running = loop();
    const handle: ConsumerHandle = {
      get handled() {
        return inFlight.handled;
      },
      stop: async () => {
        stopping = true;
        current?.stop();
        await running;
        await inFlight.drain();
        // Acks are fire-and-forget: a round trip makes sure the server has them before we return.
        await this.connection.flush().catch(() => undefined);
        this.consumers.delete(handle);
      },
    };
    this.consumers.add(handle);
    return handle;
  }

  /**
   * Like `consume`, over several durable consumers ("lanes"), always taking the next message from
   * the highest-priority lane that has one. Messages are pulled one at a time with `no_wait`, so a
   * busy worker never holds a low-priority message while a higher one waits. When every lane is
   * empty it sleeps until a message is published on a lane's subject (a core subscription wakes
   * it) or `idlePollMs` passes (for redeliveries).
   */
  async consumePrioritized<T>(options: ConsumePrioritizedOptions<T>): Promise<ConsumerHandle> {
    if (options.lanes.length === 0) throw new MessagingError('consumePrioritized needs at least one lane');
    for (const lane of options.lanes) {
      await this.ensureConsumer(options.stream, lane.durable, [lane.filterSubject], options);
    }
    const name = this.streamName(options.stream);
    const inFlight = new InFlight(options.concurrency ?? DEFAULTS.concurrency);
    const waker = new Waker();
    const idlePollMs = options.idlePollMs ?? 1_000;
    const subscriptions: Subscription[] = options.lanes.map((lane) =>
      this.connection.subscribe(this.subject(lane.filterSubject), { callback: () => waker.interrupt() }),
    );
    let stopping = false;

    const loop = async () => {
      let failures = 0;
      while (!stopping) {
        await inFlight.slot();
        if (stopping) break;
        let got = false;
        try {
          for (const lane of options.lanes) {
            const delivery = await this.pullNoWait(name, lane.durable);
            if (delivery) {
              inFlight.start(handleDelivery(delivery, options, this.stripNamespace, this.logger, lane.durable));
              got = true;
              break;
            }
          }
          failures = 0;
        } catch (error) {
          if (stopping) break;
          failures++;
          this.logger.warn('pulling messages failed, retrying', { stream: name, error: (error as Error).message });
          await waker.sleep(Math.min(250 * failures, 2000));
          continue;
        }
        if (!got) await waker.sleep(idlePollMs);
      }
    };

    const running = loop();
    const handle: ConsumerHandle = {
      get handled() {
        return inFlight.handled;
      },
      stop: async () => {
        stopping = true;
        waker.interrupt();
        for (const s of subscriptions) s.unsubscribe();
        await running;
        await inFlight.drain();
        // Acks are fire-and-forget: a round trip makes sure the server has them before we return.
        await this.connection.flush().catch(() => undefined);
        this.consumers.delete(handle);
      },
    };
    this.consumers.add(handle);
    return handle;
  }

  /** One message from a durable pull consumer if one is ready now, else null. */
  private async pullNoWait(stream: string, durable: string): Promise<Delivery | null> {
    let msg: Msg;
    try {
      msg = await this.connection.request(`$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable}`, JSON.stringify({ batch: 1, no_wait: true }), {
        timeout: 2_000,
        // A dedicated inbox: JetStream delivers with the message's own subject, which the shared
        // request inbox could not route back to this request.
        noMux: true,
      });
    } catch (error) {
      if (isNoResponders(error)) throw new MessagingError(`JetStream is not answering for ${stream}/${durable}`, { cause: error });
      throw error;
    }
    const status = msg.headers?.code ?? 0;
    if (status === 404 || status === 408) return null;
    if (status >= 400) {
      if (status === 409 && /consumer (is )?deleted/i.test(msg.headers?.description ?? '')) {
        throw new MessagingError(`consumer ${durable} was deleted`);
      }
      throw new MessagingError(`pull from ${stream}/${durable} answered ${status} ${msg.headers?.description ?? ''}`.trim());
    }
    if (!msg.reply) return null;
    return fromRawMsg(msg);
  }

  /**
   * Calls `handle` with every page task the workers gave up on: delivered `max_deliver` times and
   * never acknowledged (its worker was killed or hung on every delivery), so no result will come.
   * JetStream says so with a MAX_DELIVERIES advisory naming the task's stream sequence; the task is
   * read back from the stream by that sequence, handed over, then deleted from the stream (a work
   * queue keeps a message it gave up on). Advisories are plain NATS messages, not stored: one sent
   * while nobody listens is lost, so keep a slower backstop. With `queue`, one subscriber of that
   * queue group gets each advisory (one gateway replica). `handle` throwing keeps the task in the
   * stream (logged); the advisory is not sent again.
   */
  onTasksAbandoned(handle: (task: OcrTaskMessage, deliveries: number) => Promise<void>, options: { queue?: string } = {}): { unsubscribe(): void } {
    const stream = this.streamName(STREAMS.tasks);
    const sub = this.connection.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.*`, options.queue ? { queue: options.queue } : {});
    void (async () => {
      for await (const m of sub) {
        let seq = 0;
        try {
          const advisory = m.json<{ stream_seq?: number; deliveries?: number; consumer?: string }>();
          seq = Number(advisory.stream_seq);
          if (!Number.isInteger(seq) || seq <= 0) throw new MessagingError(`advisory without a stream sequence: ${m.string()}`);
          const stored = await this.jsm.streams.getMessage(stream, { seq }).catch((error: unknown) => {
            if (isNotFound(error)) return null;
            throw error;
          });
          if (!stored) {
            this.logger.warn('abandoned task is no longer in the stream', { stream, seq });
            continue;
          }
          const task = ocrTaskMessageSchema.parse(stored.json());
          await handle(task, Number(advisory.deliveries ?? 0));
          await this.jsm.streams.deleteMessage(stream, seq, false).catch((error: unknown) => {
            if (!isNotFound(error)) throw error;
          });
        } catch (error) {
          this.logger.warn('handling an abandoned task failed', { stream, seq, error: (error as Error).message });
        }
      }
    })();
    return sub;
  }

  /**
   * Messages not yet delivered to the durable consumer (`num_pending`, what KEDA scales on),
   * plus those delivered and not yet acknowledged.
   */
  async consumerPending(stream: string, durable: string): Promise<{ pending: number; ackPending: number }> {
    const info = await this.jsm.consumers.info(this.streamName(stream), durable);
    return { pending: info.num_pending, ackPending: info.num_ack_pending };
  }

  /**
   * Page tasks of a tier still on their way: waiting in a lane or held by a worker, over every
   * priority. A lane whose consumer no worker has created yet counts the tasks stored on its
   * subject. A task JetStream gave up on (max deliveries) is not counted.
   */
  async tasksWaiting(tier: Tier): Promise<number> {
    const stream = this.streamName(STREAMS.tasks);
    let total = 0;
    for (const lane of workerLanes(tier)) {
      const info = await this.jsm.consumers.info(stream, lane.durable).catch((error: unknown) => {
        if (isNotFound(error)) return null;
        throw error;
      });
      if (info) {
        total += info.num_pending + info.num_ack_pending;
      } else {
        const subject = this.subject(lane.filterSubject);
        const state = await this.jsm.streams.info(stream, { subjects_filter: subject });
        total += state.state.subjects?.[subject] ?? 0;
      }
    }
    return total;
  }

  /** Readiness: a round trip to the server and JetStream answering. Rejects with the reason. */
  async ping(): Promise<void> {
    if (this.connection.isClosed()) throw new MessagingError('NATS connection is closed');
    await this.connection.rtt();
    await this.jsm.getAccountInfo();
  }

  isConnected(): boolean {
    return this.connected && !this.connection.isClosed();
  }

  /** Stops every consumer (in-flight handlers finish), then drains and closes the connection. */
  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop()));
    if (this.connection.isClosed()) return;
    await this.connection.drain().catch(() => this.connection.close());
  }
}

function fromJsMsg(m: JsMsg): Delivery {
  return {
    subject: m.subject,
    data: m.data,
    headers: m.headers,
    deliveryCount: m.info.deliveryCount,
    streamSequence: m.info.streamSequence,
    ack: () => m.ack(),
    nak: (delay) => m.nak(delay),
    term: () => m.term(),
    working: () => m.working(),
  };
}

/**
 * A message from a raw `no_wait` pull. Its reply subject is the ack subject:
 * `$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>`, or with domain and
 * account hash after `$JS.ACK` on newer servers.
 */
function fromRawMsg(msg: Msg): Delivery {
  const tokens = msg.reply!.split('.');
  const at = tokens.length === 9 ? 4 : 6;
  const respond = (body: string) => {
    try {
      msg.respond(body);
    } catch {
      // Connection gone: the server redelivers after ack_wait.
    }
  };
  return {
    subject: msg.subject,
    data: msg.data,
    headers: msg.headers,
    deliveryCount: Number(tokens[at]),
    streamSequence: Number(tokens[at + 1]),
    ack: () => respond('+ACK'),
    nak: (delay) => respond(delay && delay > 0 ? `-NAK ${JSON.stringify({ delay: nanos(delay) })}` : '-NAK'),
    term: () => respond('+TERM'),
    working: () => respond('+WPI'),
  };
}

function isNotFound(error: unknown): boolean {
  const e = error as { code?: unknown; api_error?: { err_code?: number; code?: number }; message?: string };
  return e?.api_error?.code === 404 || /not found/i.test(e?.message ?? '');
}

function isNoResponders(error: unknown): boolean {
  return error instanceof NoRespondersError || (error as Error)?.cause instanceof NoRespondersError || /no responders/i.test((error as Error)?.message ?? '');
}

function isTimeout(error: unknown): boolean {
  return /timeout/i.test((error as Error)?.message ?? '') || (error as Error)?.name === 'TimeoutError';
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import {
  CONSUMERS,
  ConsumerHandle,
  JetStreamBus,
  jobFinishedMessageSchema,
  OcrTaskMessage,
  PageResultMessage,
  pageResultMessageSchema,
  STREAMS,
  SUBJECTS,
} from '@ocr/messaging';
import type { JobStatus, Tier } from '@ocr/documents';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import type { PageTask, TaskQueue } from '../jobs/job.ports';

/**
 * The gateway's side of NATS JetStream: publishes page tasks, consumes page results with a
 * durable consumer shared by every gateway replica, announces finished jobs, and listens to
 * them (every replica) to wake requests waiting inline.
 */
@Injectable()
export class MessageBus implements TaskQueue, OnApplicationShutdown {
  private readonly logger = new Logger(MessageBus.name);
  private consumer: ConsumerHandle | undefined;
  private readonly subscriptions: { unsubscribe(): void }[] = [];

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    readonly bus: JetStreamBus,
  ) {}

  static async connect(config: GatewayConfig): Promise<JetStreamBus> {
    const bus = await JetStreamBus.connect({ servers: config.natsUrl, name: 'gateway', namespace: config.natsNamespace });
    await bus.ensureStreams();
    return bus;
  }

  async publishTasks(tasks: PageTask[]): Promise<void> {
    for (const { trace, ...t } of tasks) {
      await this.bus.publishTask({ ...t, priority: priorityName(t.priority) }, trace ? { trace } : {});
    }
  }

  async publishJobFinished(event: { job_id: string; account_id: string | null; status: JobStatus; page_count: number; result_key?: string }): Promise<void> {
    if (event.status !== 'done' && event.status !== 'failed') return;
    await this.bus.publishJobFinished({ ...event, status: event.status });
  }

  tasksWaiting(tier: Tier): Promise<number> {
    return this.bus.tasksWaiting(tier);
  }

  /** Starts the durable results consumer; `handle` throwing means redelivery later. */
  async startResults(handle: (msg: PageResultMessage) => Promise<void>): Promise<void> {
    this.consumer = await this.bus.consume<PageResultMessage>({
      stream: STREAMS.results,
      durable: CONSUMERS.gatewayResults,
      filterSubjects: [SUBJECTS.results],
      schema: pageResultMessageSchema,
      handler: handle,
      ackWaitMs: 30_000,
      maxDeliver: 100,
      concurrency: 4,
    });
  }

  /**
   * Page tasks the workers gave up on (see `JetStreamBus.onTasksAbandoned`); one gateway replica
   * (a queue group) handles each.
   */
  onTasksAbandoned(handle: (task: OcrTaskMessage, deliveries: number) => Promise<void>): void {
    this.subscriptions.push(this.bus.onTasksAbandoned(handle, { queue: 'gateway' }));
  }

  /** Every replica hears every finished job (a plain subscription, not a queue group). */
  onJobFinished(handle: (jobId: string) => void): void {
    const sub = this.bus.connection.subscribe(this.bus.subject(SUBJECTS.jobsFinished));
    this.subscriptions.push(sub);
    void (async () => {
      for await (const m of sub) {
        try {
          handle(jobFinishedMessageSchema.parse(m.json()).job_id);
        } catch (e) {
          this.logger.warn({ msg: 'ignored a malformed job-finished event', err: (e as Error).message });
        }
      }
    })();
  }

  ping(): Promise<void> {
    return this.bus.ping();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const s of this.subscriptions.splice(0)) s.unsubscribe();
    await this.consumer?.stop().catch(() => undefined);
    await this.bus.close().catch(() => undefined);
  }
}

/** Billing's numeric priority (0 first) as the task subject's token. */
export function priorityName(priority: number): 'p0' | 'p1' | 'p2' {
  return priority <= 0 ? 'p0' : priority === 1 ? 'p1' : 'p2';
}

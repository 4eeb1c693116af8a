import { CONSUMERS, ConsumerHandle, JetStreamBus, JobFinishedMessage, jobFinishedMessageSchema, STREAMS, SUBJECTS } from '@ocr/messaging';

export interface JobFinishedConsumerOptions {
  concurrency: number;
}

/**
 * The chat service's durable consumer of `ocr.jobs.finished` on the events stream (shared by
 * every chat-service replica, so each event is indexed once; redelivered when a handler throws).
 */
export class JobFinishedConsumer {
  private handle: ConsumerHandle | undefined;

  constructor(
    private readonly bus: JetStreamBus,
    private readonly options: JobFinishedConsumerOptions,
  ) {}

  async start(handler: (event: JobFinishedMessage) => Promise<void>): Promise<void> {
    // The gateway creates the streams too; whichever starts first makes them.
    await this.bus.ensureStreams();
    this.handle = await this.bus.consume<JobFinishedMessage>({
      stream: STREAMS.events,
      durable: CONSUMERS.chatJobsFinished,
      filterSubjects: [SUBJECTS.jobsFinished],
      schema: jobFinishedMessageSchema,
      handler,
      ackWaitMs: 60_000,
      maxDeliver: 20,
      concurrency: this.options.concurrency,
    });
  }

  async stop(): Promise<void> {
    await this.handle?.stop();
    this.handle = undefined;
  }
}

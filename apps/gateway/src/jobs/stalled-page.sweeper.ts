import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Tier } from '@ocr/documents';
import { TIERS } from './job.dto';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { TASK_QUEUE, TaskQueue } from './job.ports';
import { JobRepository } from './job.repository';
import { JobService } from './job.service';

/**
 * The backstop for jobs whose last pages will never get a result. A task whose every delivery's
 * worker died is failed at once from JetStream's advisory (`JobService.onTaskAbandoned`); this
 * catches what that misses: an advisory sent while no gateway listened, a task lost before it was
 * queued. A job is stalled when it received no page result for PAGE_STALL_TIMEOUT and its tier's
 * queue holds no task, waiting or in a worker's hands: a job queued behind a long backlog (free
 * behind paid) is waiting, not stalled. A stalled job has its pending pages failed (each with an
 * error saying so) and is finalized like any other: `done` with the pages that worked or `failed`,
 * those pages refunded, the upload deleted, the job announced. A result that arrives later for such
 * a page is ignored (the page is no longer pending).
 */
@Injectable()
export class StalledPageSweeper {
  private readonly logger = new Logger(StalledPageSweeper.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly jobs: JobRepository,
    private readonly service: JobService,
    @Inject(TASK_QUEUE) private readonly queue: TaskQueue,
  ) {}

  /** How often it looks: a quarter of the timeout, between 1 s and 1 min. */
  get intervalMs(): number {
    return Math.min(60_000, Math.max(1_000, Math.floor(this.config.pageStallTimeoutMs / 4)));
  }

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * Fails the pending pages of stalled jobs and finishes those jobs; returns how many jobs it ended.
   * Also retries the housekeeping of finished jobs whose settlement or upload deletion failed.
   */
  async sweep(now = new Date()): Promise<number> {
    let ids: string[];
    try {
      // Only tiers whose queue holds no task: elsewhere a job may still be waiting its turn.
      const idle = (await Promise.all(TIERS.map(async (tier) => ((await this.queueIdle(tier)) ? [tier] : [])))).flat();
      ids = await this.jobs.findStalled(new Date(now.getTime() - this.config.pageStallTimeoutMs), idle);
    } catch (e) {
      this.logger.warn({ msg: 'stalled-page sweep failed', err: (e as Error).message });
      return 0;
    }
    let ended = 0;
    await this.service.recover().catch(() => 0); // housekeeping that failed earlier (billing or storage away)
    for (const id of ids) {
      try {
        const failed = await this.jobs.failPendingPages(id, this.message(), this.config.resultRetentionMs);
        if (failed === 0) continue;
        ended += 1;
        this.logger.warn({ msg: 'failed pages that never got a result', job_id: id, pages: failed });
        await this.service.finishHousekeeping(id);
      } catch (e) {
        // The job is ended in the database; the next sweep's `recover` redoes its housekeeping.
        this.logger.warn({ msg: 'stalled job housekeeping failed; will retry', job_id: id, err: (e as Error).message });
      }
    }
    return ended;
  }

  /** True when no task of the tier is queued or being read; false when the queue cannot tell. */
  private async queueIdle(tier: Tier): Promise<boolean> {
    try {
      return (await this.queue.tasksWaiting(tier)) === 0;
    } catch (e) {
      this.logger.warn({ msg: 'cannot tell whether the task queue is idle; stalled jobs wait for the next sweep', tier, err: (e as Error).message });
      return false;
    }
  }

  private message(): string {
    const minutes = Math.round(this.config.pageStallTimeoutMs / 6_000) / 10;
    return `The page was not read: no result within ${minutes} min (its worker may have crashed on it every time).`;
  }
}

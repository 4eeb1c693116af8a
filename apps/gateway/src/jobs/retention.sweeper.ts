import { Inject, Injectable, Logger } from '@nestjs/common';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { JobRepository } from './job.repository';

/** Deletes jobs (and their pages) whose results outlived the retention period. */
@Injectable()
export class RetentionSweeper {
  private readonly logger = new Logger(RetentionSweeper.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly jobs: JobRepository,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.retentionSweepIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async sweep(now = new Date()): Promise<number> {
    try {
      const ids = await this.jobs.deleteExpired(now);
      if (ids.length > 0) this.logger.log({ msg: 'deleted expired jobs', count: ids.length });
      return ids.length;
    } catch (e) {
      this.logger.warn({ msg: 'retention sweep failed', err: (e as Error).message });
      return 0;
    }
  }
}

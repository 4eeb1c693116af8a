import { Inject, Injectable, Logger } from '@nestjs/common';
import { jobArtifacts } from '@ocr/documents';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { UPLOAD_STORE, UploadStore } from './job.ports';
import { JobRepository } from './job.repository';

/** Deletes jobs, their pages, page images and result documents once the retention period is over. */
@Injectable()
export class RetentionSweeper {
  private readonly logger = new Logger(RetentionSweeper.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly jobs: JobRepository,
    @Inject(UPLOAD_STORE) private readonly files: UploadStore,
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
      const ids = await this.jobs.findExpired(now);
      // Files first: a sweep that fails midway leaves rows that the next sweep finds again.
      for (const id of ids) {
        await this.files.deletePrefix(jobArtifacts.pagesPrefix(id));
        await this.files.delete(jobArtifacts.result(id));
      }
      await this.jobs.deleteJobs(ids);
      if (ids.length > 0) this.logger.log({ msg: 'deleted expired jobs', count: ids.length });
      return ids.length;
    } catch (e) {
      this.logger.warn({ msg: 'retention sweep failed', err: (e as Error).message });
      return 0;
    }
  }
}

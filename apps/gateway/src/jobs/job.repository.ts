import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { JobPage } from '@ocr/documents';
import { DataSource, EntityManager, IsNull, LessThan, Not } from 'typeorm';
import { JobEntity } from '../database/job.entity';
import { PageEntity } from '../database/page.entity';
import { summarize } from './job.dto';

export interface PageOutcome {
  /** False when the result was a duplicate (the page was already stored) or the job is gone. */
  applied: boolean;
  /** True when this result was the job's last page and the job is now finished. */
  finalized: boolean;
  job: JobEntity | null;
}

/** The jobs schema: jobs and their pages. The only place the gateway talks to Postgres. */
@Injectable()
export class JobRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(job: Omit<JobEntity, 'created_at' | 'pages'>): Promise<JobEntity> {
    return this.db.transaction(async (m) => {
      await m.insert(JobEntity, job);
      const pages = Array.from({ length: job.page_count }, (_, index) => ({
        job_id: job.id,
        index,
        status: 'pending' as const,
        result: null,
        error: null,
        worker_id: null,
        finished_at: null,
      }));
      for (let i = 0; i < pages.length; i += 500) await m.insert(PageEntity, pages.slice(i, i + 500));
      return m.findOneByOrFail(JobEntity, { id: job.id });
    });
  }

  find(id: string): Promise<JobEntity | null> {
    return this.db.getRepository(JobEntity).findOneBy({ id });
  }

  pages(jobId: string): Promise<PageEntity[]> {
    return this.db.getRepository(PageEntity).find({ where: { job_id: jobId }, order: { index: 'ASC' } });
  }

  /**
   * Stores one page result, idempotently: a page already done or failed is left as it is (a
   * redelivered task's result is a duplicate). The job row is locked so that the page that
   * completes the job finalizes it exactly once, whichever gateway replica receives it.
   */
  async applyPageResult(jobId: string, page: JobPage, workerId: string, retentionMs: number): Promise<PageOutcome> {
    return this.db.transaction(async (m) => {
      const job = await m.findOne(JobEntity, { where: { id: jobId }, lock: { mode: 'pessimistic_write' } });
      if (!job) return { applied: false, finalized: false, job: null };
      const row = await m.findOneBy(PageEntity, { job_id: jobId, index: page.index });
      if (!row || row.status !== 'pending' || job.status === 'done' || job.status === 'failed') {
        return { applied: false, finalized: false, job };
      }
      const failed = page.error !== undefined && page.error !== null;
      await m.update(
        PageEntity,
        { job_id: jobId, index: page.index },
        { status: failed ? 'failed' : 'done', result: page, error: page.error ?? null, worker_id: workerId, finished_at: new Date() },
      );
      job.pages_done += 1;
      if (failed) job.pages_failed += 1;
      job.status = 'processing';
      const finalized = job.pages_done >= job.page_count;
      if (finalized) await this.finalize(m, job, retentionMs);
      await m.update(JobEntity, { id: jobId }, pick(job));
      return { applied: true, finalized, job };
    });
  }

  /** Ends a job whose every page has a result: the text of the pages that worked, or failed. */
  private async finalize(m: EntityManager, job: JobEntity, retentionMs: number): Promise<void> {
    const rows = await m.find(PageEntity, { where: { job_id: job.id }, order: { index: 'ASC' } });
    const results = rows.map((r) => r.result).filter((r): r is JobPage => r !== null);
    const s = summarize(results);
    const allFailed = job.pages_failed >= job.page_count;
    job.status = allFailed ? 'failed' : 'done';
    job.error = allFailed ? firstError(rows) : null;
    job.text = s.text;
    job.markdown = s.markdown;
    job.mean_confidence = s.mean;
    job.finished_at = new Date();
    job.expires_at = new Date(Date.now() + retentionMs);
  }

  /**
   * Unfinished jobs that made no progress since `before`: no page result since then, and created
   * before it. Their pending pages' tasks are presumed lost (see `StalledPageSweeper`).
   */
  async findStalled(before: Date, limit = 100): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT j.id FROM jobs.job j
        WHERE j.status IN ('pending','processing') AND j.created_at < $1
          AND NOT EXISTS (SELECT 1 FROM jobs.page p WHERE p.job_id = j.id AND p.finished_at >= $1)
        ORDER BY j.created_at ASC
        LIMIT $2`,
      [before, limit],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Fails every page of the job still pending with `error`, under the job's row lock (a result
   * that arrives meanwhile is either stored first or ignored after), and finalizes the job.
   * Returns how many pages it failed; 0 when the job is gone or already finished.
   */
  async failPendingPages(jobId: string, error: string, retentionMs: number): Promise<number> {
    return this.db.transaction(async (m) => {
      const job = await m.findOne(JobEntity, { where: { id: jobId }, lock: { mode: 'pessimistic_write' } });
      if (!job || job.status === 'done' || job.status === 'failed') return 0;
      const pending = await m.find(PageEntity, { where: { job_id: jobId, status: 'pending' }, order: { index: 'ASC' } });
      if (pending.length === 0) return 0;
      await m.update(
        PageEntity,
        { job_id: jobId, status: 'pending' },
        { status: 'failed', error, worker_id: null, finished_at: new Date() },
      );
      job.pages_done += pending.length;
      job.pages_failed += pending.length;
      await this.finalize(m, job, retentionMs);
      await m.update(JobEntity, { id: jobId }, pick(job));
      return pending.length;
    });
  }

  /** Fails a job outright (e.g. its tasks could not be queued). */
  async fail(jobId: string, error: string, retentionMs: number): Promise<void> {
    await this.db.getRepository(JobEntity).update(
      { id: jobId },
      { status: 'failed', error, finished_at: new Date(), expires_at: new Date(Date.now() + retentionMs) },
    );
  }

  async markSettled(jobId: string): Promise<void> {
    await this.db.query(`UPDATE jobs.job SET settled = true WHERE id = $1`, [jobId]);
  }

  async clearUpload(jobId: string): Promise<void> {
    await this.db.getRepository(JobEntity).update({ id: jobId }, { upload_key: null });
  }

  /** Finished jobs whose billing settlement or upload deletion has not happened yet (crash recovery). */
  async findUnfinishedHousekeeping(limit = 100): Promise<JobEntity[]> {
    return this.db
      .getRepository(JobEntity)
      .createQueryBuilder('j')
      .where(`j.status IN ('done','failed')`)
      .andWhere(`(j.settled = false OR j.upload_key IS NOT NULL)`)
      .orderBy('j.finished_at', 'ASC')
      .limit(limit)
      .getMany();
  }

  async isSettled(jobId: string): Promise<boolean> {
    const rows: { settled: boolean }[] = await this.db.query(`SELECT settled FROM jobs.job WHERE id = $1`, [jobId]);
    return rows[0]?.settled ?? true;
  }

  /** Ids of finished jobs whose retention ended. */
  async findExpired(now: Date, limit = 500): Promise<string[]> {
    const expired = await this.db
      .getRepository(JobEntity)
      .find({ select: { id: true }, where: { expires_at: LessThan(now), upload_key: IsNull(), status: Not('processing') }, take: limit });
    return expired.map((j) => j.id);
  }

  /** Deletes jobs and (by cascade) their pages. */
  async deleteJobs(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.db.getRepository(JobEntity).delete(ids);
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }
}

function pick(job: JobEntity): Partial<JobEntity> {
  const { pages: _pages, created_at: _created, ...rest } = job;
  return rest;
}

function firstError(rows: PageEntity[]): string {
  const e = rows.find((r) => r.error)?.error ?? 'every page failed';
  return rows.length === 1 ? e : `every page failed (first: ${e})`;
}

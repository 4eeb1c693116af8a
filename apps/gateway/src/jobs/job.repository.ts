import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { JobPage, Tier } from '@ocr/documents';
import { type Client, type CustomTypesConfig, type QueryConfig, types as pgTypes } from 'pg';
import { DataSource, EntityManager, IsNull, LessThan, Not } from 'typeorm';
import { JobEntity } from '../database/job.entity';
import { PageEntity } from '../database/page.entity';
import { type StoredPage, summarize } from './job.dto';

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

  /**
   * The job and its pages that have a result, read in one snapshot (a read-only REPEATABLE READ
   * transaction), so `pages_done` counts exactly the pages shown even while workers report. Each
   * result comes as the UTF-8 bytes of its JSON (Postgres' text of the jsonb, never decoded nor
   * parsed here: on a 300-page job polled every second, strings or objects of every page would make
   * megabytes of garbage on the V8 heap per GET). For a job still running, also the parts of each
   * result its running summary needs, read inside Postgres.
   */
  async findWithPages(id: string): Promise<{ job: JobEntity; pages: StoredPage[] } | null> {
    const runner = this.db.createQueryRunner();
    try {
      const client = (await runner.connect()) as PgClient;
      await runner.startTransaction('REPEATABLE READ');
      const job = await runner.manager.findOneBy(JobEntity, { id });
      if (!job) {
        await runner.commitTransaction();
        return null;
      }
      const summary = job.status !== 'done' && job.status !== 'failed';
      const query: QueryConfig & { binary: boolean } = {
        text: `SELECT "index", status, error, convert_to(result::text, 'UTF8') AS result_json${
          summary ? `, result->>'text' AS s_text, result->>'markdown' AS s_markdown, result->>'mean_confidence' AS s_mean, result->>'error' AS s_error` : ''
        }
           FROM jobs.page WHERE job_id = $1 AND status <> 'pending' ORDER BY "index" ASC`,
        values: [id],
        // Binary results (node-postgres supports it; its types do not say so): bytea arrives as
        // the bytes themselves, where text mode would send it as hex.
        binary: true,
        types: { getTypeParser: bytesAsTheyAre },
      };
      const { rows } = await client.query<StoredPageRow>(query);
      await runner.commitTransaction();
      const pages = rows.map((r) => ({
        index: r.index,
        status: r.status,
        error: r.error,
        result_json: r.result_json,
        ...(summary && r.result_json !== null
          ? { summary: { text: r.s_text ?? '', markdown: r.s_markdown ?? '', mean_confidence: Number(r.s_mean ?? 0), error: r.s_error ?? null } }
          : {}),
      }));
      return { job, pages };
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw err;
    } finally {
      await runner.release();
    }
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
    // Only the parts of the results the summary needs, read inside Postgres (not every page's
    // words and boxes, which a 300-page job would turn into tens of megabytes of objects here).
    const rows: FinalizeRow[] = await m.query(
      `SELECT error, result IS NOT NULL AS has_result, result->>'text' AS text, result->>'markdown' AS markdown,
              result->>'mean_confidence' AS mean, result->>'error' AS result_error
         FROM jobs.page WHERE job_id = $1 ORDER BY "index" ASC`,
      [job.id],
    );
    const s = summarize(
      rows
        .filter((r) => r.has_result)
        .map((r) => ({ text: r.text ?? '', markdown: r.markdown ?? '', mean_confidence: Number(r.mean ?? 0), error: r.result_error ?? undefined })),
    );
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
   * Unfinished jobs of the given tiers that made no progress since `before`: no page result since
   * then, and created before it. Their pending pages' tasks are presumed lost (see `StalledPageSweeper`).
   */
  async findStalled(before: Date, tiers: readonly Tier[], limit = 100): Promise<string[]> {
    if (tiers.length === 0) return [];
    const rows: { id: string }[] = await this.db.query(
      `SELECT j.id FROM jobs.job j
        WHERE j.status IN ('pending','processing') AND j.created_at < $1 AND j.tier = ANY($2)
          AND NOT EXISTS (SELECT 1 FROM jobs.page p WHERE p.job_id = j.id AND p.finished_at >= $1)
        ORDER BY j.created_at ASC
        LIMIT $3`,
      [before, tiers, limit],
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

const BYTEA_OID = 17;

/** node-postgres' own parsers, except bytea, which stays a Buffer. */
const bytesAsTheyAre = ((oid: number, format?: 'text' | 'binary') =>
  oid === BYTEA_OID ? (value: Buffer) => value : pgTypes.getTypeParser(oid, format ?? 'text')) as CustomTypesConfig['getTypeParser'];

/** The part of node-postgres' client used for a binary-mode query. */
type PgClient = Pick<Client, 'query'>;

interface StoredPageRow {
  index: number;
  status: StoredPage['status'];
  error: string | null;
  result_json: Buffer | null;
  s_text?: string | null;
  s_markdown?: string | null;
  s_mean?: string | null;
  s_error?: string | null;
}

function pick(job: JobEntity): Partial<JobEntity> {
  const { pages: _pages, created_at: _created, ...rest } = job;
  return rest;
}

interface FinalizeRow {
  error: string | null;
  has_result: boolean;
  text: string | null;
  markdown: string | null;
  mean: string | null;
  result_error: string | null;
}

function firstError(rows: { error: string | null }[]): string {
  const e = rows.find((r) => r.error)?.error ?? 'every page failed';
  return rows.length === 1 ? e : `every page failed (first: ${e})`;
}

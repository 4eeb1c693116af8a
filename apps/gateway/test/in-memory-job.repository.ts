import type { JobPage, Tier } from '@ocr/documents';
import type { JobEntity } from '../src/database/job.entity';
import type { PageEntity } from '../src/database/page.entity';
import { type StoredPage, summarize } from '../src/jobs/job.dto';
import type { JobRepository, PageOutcome } from '../src/jobs/job.repository';

type JobStore = Pick<
  JobRepository,
  | 'create'
  | 'find'
  | 'findWithPages'
  | 'applyPageResult'
  | 'fail'
  | 'markSettled'
  | 'clearUpload'
  | 'findUnfinishedHousekeeping'
  | 'findStalled'
  | 'failPendingPages'
>;

/**
 * The jobs schema in memory, keeping the contract of the Postgres `JobRepository`: a page result
 * is stored once (a duplicate or a result for a finished job is not applied), and the result that
 * completes the job finalizes it (text of the pages that worked; `failed` when every page failed).
 * Rows are copied in and out, as a database would.
 */
export class InMemoryJobRepository implements JobStore {
  private readonly jobs = new Map<string, JobEntity>();
  private readonly rows = new Map<string, PageEntity[]>();

  async create(job: Omit<JobEntity, 'created_at' | 'pages'>): Promise<JobEntity> {
    if (this.jobs.has(job.id)) throw new Error(`duplicate key: job ${job.id}`);
    this.jobs.set(job.id, { ...job, created_at: new Date() });
    this.rows.set(
      job.id,
      Array.from({ length: job.page_count }, (_, index) => ({
        job_id: job.id,
        index,
        status: 'pending' as const,
        result: null,
        error: null,
        worker_id: null,
        finished_at: null,
      })),
    );
    return { ...this.jobs.get(job.id)! };
  }

  async find(id: string): Promise<JobEntity | null> {
    const job = this.jobs.get(id);
    return job ? { ...job } : null;
  }

  /** As Postgres gives them: each result as JSON text, and the summary's parts while the job runs. */
  async findWithPages(id: string): Promise<{ job: JobEntity; pages: StoredPage[] } | null> {
    const job = this.jobs.get(id);
    if (!job) return null;
    const summary = job.status !== 'done' && job.status !== 'failed';
    const pages = (this.rows.get(id) ?? [])
      .filter((r) => r.status !== 'pending')
      .map((r) => ({
        index: r.index,
        status: r.status,
        error: r.error,
        result_json: r.result ? Buffer.from(JSON.stringify(r.result)) : null,
        ...(summary && r.result
          ? { summary: { text: r.result.text, markdown: r.result.markdown, mean_confidence: r.result.mean_confidence, error: r.result.error ?? null } }
          : {}),
      }));
    return { job: { ...job }, pages };
  }

  async applyPageResult(jobId: string, page: JobPage, workerId: string, retentionMs: number): Promise<PageOutcome> {
    const job = this.jobs.get(jobId);
    if (!job) return { applied: false, finalized: false, job: null };
    const rows = this.rows.get(jobId) ?? [];
    const row = rows.find((r) => r.index === page.index);
    if (!row || row.status !== 'pending' || job.status === 'done' || job.status === 'failed') {
      return { applied: false, finalized: false, job: { ...job } };
    }
    const failed = page.error !== undefined && page.error !== null;
    Object.assign(row, { status: failed ? 'failed' : 'done', result: page, error: page.error ?? null, worker_id: workerId, finished_at: new Date() });
    job.pages_done += 1;
    if (failed) job.pages_failed += 1;
    job.status = 'processing';
    const finalized = job.pages_done >= job.page_count;
    if (finalized) finalize(job, rows, retentionMs);
    return { applied: true, finalized, job: { ...job } };
  }

  async findStalled(before: Date, tiers: readonly Tier[], limit = 100): Promise<string[]> {
    return [...this.jobs.values()]
      .filter((j) => (j.status === 'pending' || j.status === 'processing') && j.created_at < before && tiers.includes(j.tier))
      .filter((j) => !(this.rows.get(j.id) ?? []).some((r) => r.finished_at !== null && r.finished_at >= before))
      .sort((a, b) => a.created_at.getTime() - b.created_at.getTime())
      .slice(0, limit)
      .map((j) => j.id);
  }

  async failPendingPages(jobId: string, error: string, retentionMs: number): Promise<number> {
    const job = this.jobs.get(jobId);
    if (!job || job.status === 'done' || job.status === 'failed') return 0;
    const rows = this.rows.get(jobId) ?? [];
    const pending = rows.filter((r) => r.status === 'pending');
    for (const row of pending) Object.assign(row, { status: 'failed', error, worker_id: null, finished_at: new Date() });
    if (pending.length === 0) return 0;
    job.pages_done += pending.length;
    job.pages_failed += pending.length;
    finalize(job, rows, retentionMs);
    return pending.length;
  }

  /** Moves a job's clock back (as if it had been created `ms` earlier), for the stall sweeper's tests. */
  age(jobId: string, ms: number): void {
    const job = this.jobs.get(jobId);
    if (job) job.created_at = new Date(job.created_at.getTime() - ms);
    for (const r of this.rows.get(jobId) ?? []) if (r.finished_at) r.finished_at = new Date(r.finished_at.getTime() - ms);
  }

  async fail(jobId: string, error: string, retentionMs: number): Promise<void> {
    const job = this.jobs.get(jobId);
    if (!job) return;
    Object.assign(job, { status: 'failed', error, finished_at: new Date(), expires_at: new Date(Date.now() + retentionMs) });
  }

  async markSettled(jobId: string): Promise<void> {
    const job = this.jobs.get(jobId);
    if (job) job.settled = true;
  }

  async clearUpload(jobId: string): Promise<void> {
    const job = this.jobs.get(jobId);
    if (job) job.upload_key = null;
  }

  async findUnfinishedHousekeeping(limit = 100): Promise<JobEntity[]> {
    return [...this.jobs.values()]
      .filter((j) => (j.status === 'done' || j.status === 'failed') && (!j.settled || j.upload_key !== null))
      .slice(0, limit)
      .map((j) => ({ ...j }));
  }

  /** Every stored job (for assertions). */
  all(): JobEntity[] {
    return [...this.jobs.values()].map((j) => ({ ...j }));
  }
}

function finalize(job: JobEntity, rows: PageEntity[], retentionMs: number): void {
  const s = summarize(rows.map((r) => r.result).filter((r): r is JobPage => r !== null));
  const allFailed = job.pages_failed >= job.page_count;
  job.status = allFailed ? 'failed' : 'done';
  job.error = allFailed ? (rows.find((r) => r.error)?.error ?? 'every page failed') : null;
  job.text = s.text;
  job.markdown = s.markdown;
  job.mean_confidence = s.mean;
  job.finished_at = new Date();
  job.expires_at = new Date(Date.now() + retentionMs);
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { failedPage, jobArtifacts, type JobDocument, type JobPage, type Tier } from '@ocr/documents';
import { childTraceContext, parseTraceparent, type TraceContext } from '@ocr/messaging';
import { randomUUID } from 'node:crypto';
import { BillingRepository, Caller } from '../billing/billing.repository';
import { DomainError } from '../common/domain-error';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { ToolCatalog } from '../tools/tool.catalog';
import { JobWaiter } from './job-waiter.service';
import { serializeJob, SubmitJobDto } from './job.dto';
import {
  DOCUMENT_INSPECTOR,
  DocumentInspector,
  LANGUAGE_CATALOG,
  LanguageCatalog,
  TASK_QUEUE,
  TaskQueue,
  UPLOAD_STORE,
  UploadStore,
} from './job.ports';
import { JobRepository } from './job.repository';

export interface UploadedFile {
  buffer: Buffer;
  originalname?: string;
  size: number;
}

/** The way a job travels through the gateway: accept, queue, collect, finish. */
@Injectable()
export class JobService {
  private readonly logger = new Logger(JobService.name);

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly jobs: JobRepository,
    private readonly billing: BillingRepository,
    private readonly waiter: JobWaiter,
    private readonly tools: ToolCatalog,
    @Inject(TASK_QUEUE) private readonly queue: TaskQueue,
    @Inject(DOCUMENT_INSPECTOR) private readonly inspector: DocumentInspector,
    @Inject(UPLOAD_STORE) private readonly uploads: UploadStore,
    @Inject(LANGUAGE_CATALOG) private readonly languages: LanguageCatalog,
  ) {}

  /**
   * Accepts a file: checks it, reserves credits, creates the job, stores the upload and one task
   * per page. Files of up to INLINE_MAX_PAGES pages are waited for and come back finished.
   * `trace`: the caller's W3C trace context (its `traceparent` header), which the job's tasks
   * continue; without one the job starts a trace of its own.
   */
  async submit(file: UploadedFile | undefined, dto: SubmitJobDto, caller: Caller, signal?: AbortSignal, trace?: TraceContext): Promise<JobDocument> {
    if (!file) throw new DomainError('no_file', 'No file: send the document in the multipart field "file".');
    if (file.size === 0) throw new DomainError('empty_file', 'The file is empty.');
    if (file.size > this.config.maxUploadBytes) {
      throw new DomainError('file_too_large', `The file is larger than the limit of ${this.config.maxUploadBytes} bytes.`);
    }
    const tool = dto.tool ? this.tools.get(dto.tool) : null;
    const tier: Tier = dto.tier ?? tool?.tier ?? 'cpu';
    if (tier === 'vlm' && !this.config.vlmEnabled) {
      throw new DomainError('no_worker_pool', 'The vlm tier has no worker pool on this server; use tier=cpu.');
    }
    const language = (dto.language ?? tool?.language ?? 'auto').toLowerCase();
    this.languages.assertKnown(language);
    if (tool?.slug === 'translate' && !dto.translate_to) {
      throw new DomainError('bad_parameter', 'tool=translate needs translate_to (a language code).');
    }

    const doc = await this.inspector.inspect(file.buffer, { maxPages: this.config.maxPagesPerFile });
    if (caller.account && doc.page_count > caller.account.max_pages_per_file) {
      throw new DomainError(
        'too_many_pages',
        `The file has ${doc.page_count} pages; your plan allows ${caller.account.max_pages_per_file} pages per file.`,
      );
    }

    const jobId = randomUUID();
    const reservation = await this.billing.reserve(jobId, caller, tier, doc.page_count);
    if (!reservation.accepted) {
      if (!caller.account && reservation.cap === 0) {
        throw new DomainError('unauthorized', 'An API token is required on this server (anonymous use is off).');
      }
      if (reservation.maxPagesPerFile > 0 && doc.page_count > reservation.maxPagesPerFile) {
        throw new DomainError(
          'too_many_pages',
          `The file has ${doc.page_count} pages; the limit is ${reservation.maxPagesPerFile} pages per file.`,
        );
      }
      throw new DomainError('payment_required', reservation.reason || 'Out of pages.', {
        used: reservation.used,
        cap: reservation.cap,
      });
    }

    const uploadKey = jobArtifacts.upload(jobId);
    // The job row first, then its upload, then its tasks: a gateway that dies anywhere in between
    // leaves a job that the stalled-page sweeper ends (refunding it, deleting its upload), never
    // an upload that no job points to.
    try {
      await this.jobs.create({
        id: jobId,
        account_id: caller.account?.id ?? null,
        client_ip: caller.account ? null : caller.clientIp,
        status: 'pending',
        tier,
        language,
        tool: tool?.slug ?? null,
        mime: doc.mime,
        file_name: file.originalname ?? null,
        file_size: file.size,
        upload_key: uploadKey,
        page_count: doc.page_count,
        pages_done: 0,
        pages_failed: 0,
        priority: reservation.priority,
        mean_confidence: 0,
        text: '',
        markdown: '',
        error: null,
        finished_at: null,
        expires_at: null,
        settled: false,
      });
      await this.uploads.put(uploadKey, file.buffer, doc.mime);
      const jobTrace = childTraceContext(trace);
      await this.queue.publishTasks(
        Array.from({ length: doc.page_count }, (_, page_index) => ({
          job_id: jobId,
          page_index,
          page_count: doc.page_count,
          upload_key: uploadKey,
          mime: doc.mime,
          tier,
          language,
          tool: tool?.slug ?? null,
          priority: reservation.priority,
          trace: jobTrace,
        })),
      );
      this.logger.log({ msg: 'job queued', job_id: jobId, pages: doc.page_count, trace_id: parseTraceparent(jobTrace.traceparent)?.traceId });
    } catch (e) {
      await this.abandon(jobId, uploadKey, doc.page_count, e);
      throw e;
    }

    if (doc.page_count <= this.config.inlineMaxPages) {
      await this.waitUntilFinished(jobId, this.config.inlineTimeoutMs, signal);
    }
    return this.get(jobId, caller);
  }

  /** The job as the contract shows it; 404 when unknown or not the caller's. */
  async get(id: string, caller: Caller): Promise<JobDocument> {
    return JSON.parse((await this.getJson(id, caller)).toString('utf8')) as JobDocument;
  }

  /**
   * The job as the contract shows it, as UTF-8 JSON (what `GET /api/v1/ocr/<uuid>/` sends): the
   * stored page results are copied in as they are, not parsed and serialized again.
   */
  async getJson(id: string, caller: Caller): Promise<Buffer> {
    const found = await this.jobs.findWithPages(id);
    if (!found || !ownedBy(found.job, caller)) throw new DomainError('not_found', 'No such job.');
    return serializeJob(found.job, found.pages);
  }

  /** Stores a page result from a worker; the last page finishes the job (settle, delete upload, announce). */
  async onPageResult(jobId: string, page: JobPage, workerId: string): Promise<void> {
    const outcome = await this.jobs.applyPageResult(jobId, page, workerId, this.config.resultRetentionMs);
    if (outcome.finalized && outcome.job) await this.finishHousekeeping(outcome.job.id);
    else if (!outcome.applied && outcome.job && (outcome.job.status === 'done' || outcome.job.status === 'failed')) {
      // A redelivered result for a finished job: make sure its housekeeping happened.
      await this.finishHousekeeping(outcome.job.id);
    }
  }

  /**
   * A page whose task the queue gave up on (every delivery's worker died or hung before answering):
   * no result will ever come, so the page fails now, as a worker's failed page would (refunded; the
   * last page finishes the job).
   */
  async onTaskAbandoned(jobId: string, pageIndex: number, deliveries: number): Promise<void> {
    const tries = deliveries > 1 ? `each of its ${deliveries} attempts` : 'its attempt';
    const error = `The page could not be read: the worker reading it stopped (crashed, was killed or hung) on ${tries}.`;
    await this.onPageResult(jobId, failedPage(pageIndex, error), 'jetstream');
  }

  /** Settles billing, deletes the upload and announces the job; each step idempotent, retried at boot. */
  async finishHousekeeping(jobId: string): Promise<void> {
    const job = await this.jobs.find(jobId);
    if (!job || (job.status !== 'done' && job.status !== 'failed')) return;
    if (!job.settled) {
      await this.billing.settle(job.id, job.page_count - job.pages_failed, job.pages_failed);
      // The finished document, for services that work on results (chat indexes it from here).
      const resultKey = jobArtifacts.result(job.id);
      const finished = await this.jobs.findWithPages(job.id);
      if (!finished) return; // deleted meanwhile (retention): nothing left to announce
      await this.uploads.put(resultKey, serializeJob(finished.job, finished.pages), 'application/json');
      await this.queue.publishJobFinished({
        job_id: job.id,
        account_id: job.account_id,
        status: job.status,
        page_count: job.page_count,
        result_key: resultKey,
      });
      await this.jobs.markSettled(job.id); // last: a retry redoes settle and publish (both idempotent) until this is stored
    }
    if (job.upload_key) {
      await this.uploads.delete(job.upload_key);
      await this.jobs.clearUpload(job.id);
    }
    this.waiter.notify(job.id);
  }

  /** Redoes the housekeeping of jobs that finished while a gateway was down or crashed midway. */
  async recover(): Promise<number> {
    const jobs = await this.jobs.findUnfinishedHousekeeping();
    for (const job of jobs) {
      try {
        await this.finishHousekeeping(job.id);
      } catch (e) {
        this.logger.warn({ msg: 'housekeeping retry failed', job_id: job.id, err: (e as Error).message });
      }
    }
    return jobs.length;
  }

  private async waitUntilFinished(jobId: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // Woken by the finished-job event; the re-check every 2 s covers an event lost in a reconnect.
    while (Date.now() < deadline && !signal?.aborted) {
      const job = await this.jobs.find(jobId);
      if (!job || job.status === 'done' || job.status === 'failed') return;
      await this.waiter.wait(jobId, Math.min(2000, deadline - Date.now()), signal);
    }
  }

  private async abandon(jobId: string, uploadKey: string, pages: number, cause: unknown): Promise<void> {
    this.logger.error({ msg: 'could not queue job; refunding', job_id: jobId, err: (cause as Error)?.message });
    await Promise.allSettled([
      this.billing.settle(jobId, 0, pages),
      this.uploads.delete(uploadKey),
      this.jobs.fail(jobId, 'The job could not be queued.', this.config.resultRetentionMs),
    ]);
  }
}

function ownedBy(job: { account_id: string | null; client_ip: string | null }, caller: Caller): boolean {
  if (job.account_id) return caller.account?.id === job.account_id;
  return !caller.account && job.client_ip === caller.clientIp;
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { failedPage, type JobPage } from '@ocr/documents';
import { childTraceContext, HANDWRITING_TOOL, parseTraceparent, type TraceContext } from '@ocr/messaging';
import { WORKER_CONFIG, WorkerConfig } from '../config/worker.config';
import { ENGINE, Engine, isPermanent, PAGE_IMAGES, PageImages, RASTERIZER, Rasterizer, RESULTS, ResultPublisher, UPLOADS, Uploads } from './page.ports';

export interface PageTask {
  job_id: string;
  page_index: number;
  upload_key: string;
  language: string;
  /** The job's tool preset, if any (`HANDWRITING_TOOL` changes how the page is read). */
  tool?: string | null;
}

export type PageOutcome = 'done' | 'failed' | 'skipped';

/**
 * Reads one page of one upload: fetch the upload, rasterize only that page, take its text layer
 * or run the engine, publish the page result. A page that cannot be read (corrupt, too large,
 * timed out) is published as a failed page, so the job still completes; a transient failure
 * (storage or NATS away) throws, and the task is redelivered.
 */
@Injectable()
export class PageProcessor {
  private readonly logger = new Logger(PageProcessor.name);

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(UPLOADS) private readonly uploads: Uploads,
    @Inject(RASTERIZER) private readonly rasterizer: Rasterizer,
    @Inject(ENGINE) private readonly engine: Engine,
    @Inject(RESULTS) private readonly results: ResultPublisher,
    @Inject(PAGE_IMAGES) private readonly pageImages: PageImages,
  ) {}

  /** `trace`: the task's trace context (from its message headers), continued by this page's span. */
  async process(task: PageTask, attempt: number, trace?: TraceContext): Promise<PageOutcome> {
    const started = Date.now();
    const span = trace ? childTraceContext(trace) : undefined;
    const traceId = span ? parseTraceparent(span.traceparent)?.traceId : undefined;
    this.logger.debug({ msg: 'reading page', job_id: task.job_id, page: task.page_index, attempt, trace_id: traceId });
    let page: JobPage;
    try {
      const bytes = await this.uploads.get(task.upload_key);
      if (!bytes) {
        this.logger.warn({ msg: 'upload gone; the job has ended', job_id: task.job_id, page: task.page_index });
        return 'skipped';
      }
      page = await this.read(bytes, task);
    } catch (e) {
      if (!isPermanent(e) && attempt < this.config.maxDeliver) throw e;
      page = pageFailedBy(task.page_index, e);
    }
    page.timings_ms = { ...page.timings_ms, total: Date.now() - started };
    await this.results.publish({ job_id: task.job_id, page_index: task.page_index, worker_id: this.config.workerId, page, attempt }, span);
    this.logger.log({
      msg: page.error ? 'page failed' : 'page read',
      job_id: task.job_id,
      page: task.page_index,
      ms: page.timings_ms.total,
      chars: page.text.length,
      error: page.error,
      attempt,
      trace_id: traceId,
    });
    return page.error ? 'failed' : 'done';
  }

  private async read(bytes: Buffer, task: PageTask): Promise<JobPage> {
    const t0 = Date.now();
    const raster = await this.rasterizer.rasterize(bytes, task.page_index);
    const rasterMs = Date.now() - t0;
    // The page image is encoded (on libuv's threads) and stored while the engine reads the page;
    // both only read the pixels. The result is published once both are done.
    const stored = this.pageImages.put(task.job_id, task.page_index, raster.image, raster.dpi);
    const read: Promise<JobPage> = raster.textLayer
      ? Promise.resolve({ ...raster.textLayer, index: task.page_index, source: 'text-layer', timings_ms: { ...raster.textLayer.timings_ms, rasterize: rasterMs } })
      : this.engine
          .recognize(raster.image, { language: task.language, timeoutMs: this.config.pageTimeoutMs, ...(task.tool === HANDWRITING_TOOL ? { handwriting: true } : {}) })
          .then((ocr) => ({ ...ocr, index: task.page_index, source: 'ocr', timings_ms: { ...ocr.timings_ms, rasterize: rasterMs } }));
    return bothOrFirstError(stored, read);
  }
}

/**
 * Waits for both; a failure to store the page image wins over the engine's (it is transient, and
 * was the first to be seen when the image was stored before the engine ran).
 */
async function bothOrFirstError<T>(first: Promise<unknown>, second: Promise<T>): Promise<T> {
  const [a, b] = await Promise.allSettled([first, second]);
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
  return b.value;
}

function pageFailedBy(index: number, e: unknown): JobPage {
  const message = e instanceof Error ? e.message : String(e);
  return failedPage(index, message.slice(0, 500));
}

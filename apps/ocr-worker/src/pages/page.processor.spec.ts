import { Logger } from '@nestjs/common';
import { DocumentError, type PageOcr } from '@ocr/documents';
import type { TraceContext } from '@ocr/messaging';
import { loadWorkerConfig } from '../config/worker.config';
import { PageProcessor, type PageTask } from './page.processor';
import type { Engine, EngineOptions, RasterImage, RasterizedPage, Rasterizer, ResultPublisher, Uploads } from './page.ports';

type Published = Parameters<ResultPublisher['publish']>[0];

const UPLOAD = Buffer.from('%PDF-1.7 three pages');
const IMAGE: RasterImage = { data: Buffer.alloc(4 * 3 * 3), width: 4, height: 3, channels: 3 };

function pageOcr(text: string, overrides: Partial<PageOcr> = {}): PageOcr {
  return {
    width: 2480,
    height: 3508,
    text,
    markdown: text,
    blocks: [{ text, bbox: [10, 20, 300, 60], confidence: 0.97, kind: 'paragraph', lines: [] }],
    tables: [],
    mean_confidence: 0.97,
    language: 'en',
    engine: 'pp-ocrv4',
    timings_ms: { detect: 5, recognize: 7 },
    ...overrides,
  };
}

class FakeUploads implements Uploads {
  readonly objects = new Map<string, Buffer>([['uploads/job-1', UPLOAD]]);
  readonly failures: Error[] = [];

  async get(key: string): Promise<Buffer | null> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    return this.objects.get(key) ?? null;
  }
}

/** Pages of the upload: a page index listed in `textLayers` is born-digital, the others are scans. */
class FakeRasterizer implements Rasterizer {
  readonly textLayers = new Map<number, PageOcr>();
  failure: Error | null = null;

  async rasterize(bytes: Buffer, pageIndex: number): Promise<RasterizedPage> {
    if (!bytes.equals(UPLOAD)) throw new Error('rasterize got other bytes than the upload');
    if (this.failure) throw this.failure;
    return { image: IMAGE, textLayer: this.textLayers.get(pageIndex) ?? null };
  }
}

class FakeEngine implements Engine {
  readonly calls: { image: RasterImage; options: EngineOptions }[] = [];
  failure: Error | null = null;

  async recognize(image: RasterImage, options: EngineOptions): Promise<PageOcr> {
    this.calls.push({ image, options });
    if (this.failure) throw this.failure;
    return pageOcr(`read in ${options.language}`);
  }
}

class FakeResults implements ResultPublisher {
  readonly published: Published[] = [];
  readonly traces: (TraceContext | undefined)[] = [];

  async publish(result: Published, trace?: TraceContext): Promise<void> {
    this.published.push(structuredClone(result));
    this.traces.push(trace);
  }
}

function named(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

function setup() {
  const config = loadWorkerConfig({ WORKER_ID: 'worker-7', PAGE_TIMEOUT: '45s', TASK_MAX_DELIVER: '3' });
  const uploads = new FakeUploads();
  const rasterizer = new FakeRasterizer();
  const engine = new FakeEngine();
  const results = new FakeResults();
  const pageImages = {
    stored: [] as string[],
    failure: null as Error | null,
    async put(jobId: string, pageIndex: number) {
      if (this.failure) throw this.failure;
      this.stored.push(`${jobId}/${pageIndex}`);
    },
  };
  const sut = new PageProcessor(config, uploads, rasterizer, engine, results, pageImages);
  return { sut, config, uploads, rasterizer, engine, results, pageImages };
}

const task: PageTask = { job_id: 'job-1', page_index: 1, upload_key: 'uploads/job-1', language: 'ja' };

describe(PageProcessor.name, () => {
  let ctx: ReturnType<typeof setup>;

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

  beforeEach(() => {
    ctx = setup();
  });

  it('keeps the rasterized page for the searchable PDF before publishing the result', async () => {
    await ctx.sut.process(task, 1);
    expect(ctx.pageImages.stored).toEqual(['job-1/1']);
  });

  it('tells the engine a page of a handwriting-to-text job is handwritten, and no other', async () => {
    await ctx.sut.process({ ...task, tool: 'handwriting-to-text' }, 1);
    await ctx.sut.process({ ...task, tool: 'extract-tables' }, 1);

    expect(ctx.engine.calls.map((c) => c.options)).toEqual([
      { language: 'ja', timeoutMs: 45_000, handwriting: true },
      { language: 'ja', timeoutMs: 45_000 },
    ]);
  });

  it('keeps a born-digital page’s own text layer and never calls the engine', async () => {
    ctx.rasterizer.textLayers.set(1, pageOcr('Exact digital text', { engine: 'text-layer', mean_confidence: 1 }));

    await expect(ctx.sut.process(task, 1)).resolves.toBe('done');

    expect(ctx.engine.calls).toEqual([]);
    expect(ctx.results.published).toHaveLength(1);
    const { page } = ctx.results.published[0]!;
    expect(page).toMatchObject({ index: 1, source: 'text-layer', text: 'Exact digital text', mean_confidence: 1 });
    expect(page.error).toBeUndefined();
    expect(page.timings_ms).toMatchObject({ rasterize: expect.any(Number), total: expect.any(Number) });
  });

  it('OCRs a scanned page with the task’s language and the configured timeout, and publishes the result', async () => {
    await expect(ctx.sut.process(task, 2)).resolves.toBe('done');

    expect(ctx.engine.calls).toEqual([{ image: IMAGE, options: { language: 'ja', timeoutMs: 45_000 } }]);
    expect(ctx.results.published).toEqual([
      {
        job_id: 'job-1',
        page_index: 1,
        worker_id: 'worker-7',
        attempt: 2,
        page: expect.objectContaining({ index: 1, source: 'ocr', text: 'read in ja', engine: 'pp-ocrv4', width: 2480, height: 3508 }),
      },
    ]);
    expect(ctx.results.published[0]!.page.timings_ms).toMatchObject({ detect: 5, recognize: 7, rasterize: expect.any(Number), total: expect.any(Number) });
  });

  it('continues the task’s trace: the result goes out as a child span of the same trace, tracestate kept', async () => {
    const trace = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tracestate: 'vendor=abc' };
    await ctx.sut.process(task, 1, trace);
    await ctx.sut.process(task, 1);

    const [child, none] = ctx.results.traces;
    expect(child).toEqual({ traceparent: expect.stringMatching(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/), tracestate: 'vendor=abc' });
    expect(child!.traceparent).not.toContain('00f067aa0ba902b7');
    expect(none).toBeUndefined();
  });

  it('skips a task whose upload is gone (its job ended) and publishes nothing', async () => {
    ctx.uploads.objects.clear();
    await expect(ctx.sut.process(task, 1)).resolves.toBe('skipped');
    expect(ctx.engine.calls).toEqual([]);
    expect(ctx.results.published).toEqual([]);
  });

  it.each([
    ['DocumentError (a corrupt page)', () => new DocumentError('corrupt', 'page 2 is corrupt')],
    ['OcrEngineError (a page the engine cannot read)', () => named('OcrEngineError', 'image too large for the detector')],
    ['UnknownLanguageError', () => named('UnknownLanguageError', 'no model reads "xx"')],
  ])('publishes a failed page for a permanent %s on the first attempt, without throwing', async (_label, error) => {
    const e = error();
    if (e.name === 'DocumentError') ctx.rasterizer.failure = e;
    else ctx.engine.failure = e;

    await expect(ctx.sut.process(task, 1)).resolves.toBe('failed');

    expect(ctx.results.published).toHaveLength(1);
    expect(ctx.results.published[0]).toMatchObject({ job_id: 'job-1', page_index: 1, worker_id: 'worker-7', attempt: 1 });
    expect(ctx.results.published[0]!.page).toMatchObject({ index: 1, text: '', blocks: [], error: e.message });
  });

  it('throws a transient error so the task is redelivered, until the last attempt fails the page', async () => {
    ctx.engine.failure = new Error('onnxruntime: session busy');

    await expect(ctx.sut.process(task, 1)).rejects.toThrow('onnxruntime: session busy');
    await expect(ctx.sut.process(task, ctx.config.maxDeliver - 1)).rejects.toThrow('onnxruntime: session busy');
    expect(ctx.results.published).toEqual([]);

    await expect(ctx.sut.process(task, ctx.config.maxDeliver)).resolves.toBe('failed');
    expect(ctx.results.published).toHaveLength(1);
    expect(ctx.results.published[0]).toMatchObject({ attempt: 3, page: { index: 1, error: 'onnxruntime: session busy' } });
  });

  it('throws when storage is unreachable, so the task is redelivered', async () => {
    ctx.uploads.failures.push(new Error('ECONNREFUSED storage'));
    await expect(ctx.sut.process(task, 1)).rejects.toThrow('ECONNREFUSED storage');
    expect(ctx.results.published).toEqual([]);
  });

  it('publishes a failed page when storage is still unreachable on the last attempt, so the job can end', async () => {
    ctx.uploads.failures.push(new Error('ECONNREFUSED storage'));
    await expect(ctx.sut.process(task, ctx.config.maxDeliver)).resolves.toBe('failed');
    expect(ctx.results.published).toHaveLength(1);
    expect(ctx.results.published[0]).toMatchObject({ attempt: 3, page: { index: 1, error: 'ECONNREFUSED storage' } });
  });

  it('throws when the page image cannot be stored, even though the engine read the page, so the task is redelivered', async () => {
    ctx.pageImages.failure = new Error('ENOSPC: no space left on device');
    await expect(ctx.sut.process(task, 1)).rejects.toThrow('ENOSPC');
    expect(ctx.results.published).toEqual([]);
  });

  it('keeps a failed page’s error short', async () => {
    ctx.engine.failure = named('OcrEngineError', 'x'.repeat(5000));
    await ctx.sut.process(task, 1);
    expect(ctx.results.published[0]!.page.error).toHaveLength(500);
  });
});

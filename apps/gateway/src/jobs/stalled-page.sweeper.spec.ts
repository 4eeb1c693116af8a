import { Logger } from '@nestjs/common';
import type { JobPage } from '@ocr/documents';
import { account } from '../../test/fake-billing.repository';
import { fakePdf } from '../../test/fake-job.ports';
import { jobServiceWithFakes } from '../../test/job-service.fixture';
import type { Caller } from '../billing/billing.repository';
import type { JobRepository } from './job.repository';
import { StalledPageSweeper } from './stalled-page.sweeper';

const MINUTE = 60_000;

function setup(env: Record<string, string> = {}) {
  const { service, config, jobs, billing, queue, uploads } = jobServiceWithFakes({ INLINE_MAX_PAGES: '0', PAGE_STALL_TIMEOUT: '30m', ...env });
  const sut = new StalledPageSweeper(config, jobs as unknown as JobRepository, service, queue);
  return { sut, service, jobs, billing, queue, uploads };
}

const alice: Caller = { account: account({ id: '0a11ce00-0000-4000-8000-000000000001', max_pages_per_file: 50 }), clientIp: '198.51.100.4' };

function ocrPage(index: number, text: string): JobPage {
  return {
    index,
    width: 1000,
    height: 1400,
    text,
    markdown: text,
    blocks: [],
    tables: [],
    mean_confidence: 0.9,
    language: 'en',
    engine: 'pp-ocrv4',
    source: 'ocr',
    timings_ms: {},
  };
}

describe(StalledPageSweeper.name, () => {
  let ctx: ReturnType<typeof setup>;

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

  beforeEach(() => {
    ctx = setup();
  });

  it('fails the pages of a job that got no result for PAGE_STALL_TIMEOUT, and finishes the job: done, refunded, upload deleted, announced', async () => {
    const { uuid } = await ctx.service.submit(fakePdf(4), {}, alice);
    await ctx.service.onPageResult(uuid, ocrPage(0, 'first'), 'worker-a');
    await ctx.service.onPageResult(uuid, ocrPage(2, 'third'), 'worker-a');
    ctx.jobs.age(uuid, 31 * MINUTE); // pages 1 and 3 never came back

    await expect(ctx.sut.sweep()).resolves.toBe(1);

    const job = await ctx.service.get(uuid, alice);
    expect(job).toMatchObject({ status: 'done', pages_done: 4, text: 'first\n\nthird', error: null });
    expect(job.pages.map((p) => [p.index, p.error ?? null])).toEqual([
      [0, null],
      [1, expect.stringContaining('no result within 30 min')],
      [2, null],
      [3, expect.stringContaining('no result within 30 min')],
    ]);
    expect(ctx.billing.settlements).toEqual([{ jobId: uuid, succeeded: 2, failed: 2 }]);
    expect(ctx.uploads.objects.has(`uploads/${uuid}`)).toBe(false);
    expect(ctx.queue.finished).toEqual([expect.objectContaining({ job_id: uuid, status: 'done', page_count: 4 })]);
  });

  it('fails a job none of whose pages ever came back, with a short error, refunding every page', async () => {
    const { uuid } = await ctx.service.submit(fakePdf(3), {}, alice);
    ctx.jobs.age(uuid, 31 * MINUTE);

    await expect(ctx.sut.sweep()).resolves.toBe(1);

    const job = await ctx.service.get(uuid, alice);
    expect(job.status).toBe('failed');
    expect(job.error).toContain('was not read');
    expect(job.error!.length).toBeLessThan(200);
    expect(ctx.billing.settlements).toEqual([{ jobId: uuid, succeeded: 0, failed: 3 }]);
    expect(ctx.uploads.objects.has(`uploads/${uuid}`)).toBe(false);
  });

  it('leaves alone a job younger than the timeout', async () => {
    const { uuid } = await ctx.service.submit(fakePdf(2), {}, alice);
    ctx.jobs.age(uuid, 29 * MINUTE);

    await expect(ctx.sut.sweep()).resolves.toBe(0);

    expect((await ctx.service.get(uuid, alice)).status).toBe('pending');
    expect(ctx.billing.settlements).toEqual([]);
    expect(ctx.uploads.objects.has(`uploads/${uuid}`)).toBe(true);
  });

  it('leaves alone an old job that is still making progress (a page result within the timeout)', async () => {
    const { uuid } = await ctx.service.submit(fakePdf(3), {}, alice);
    ctx.jobs.age(uuid, 2 * 60 * MINUTE); // queued for two hours behind other work…
    await ctx.service.onPageResult(uuid, ocrPage(0, 'first'), 'worker-a'); // …and its pages are being read now

    await expect(ctx.sut.sweep()).resolves.toBe(0);
    expect((await ctx.service.get(uuid, alice)).status).toBe('processing');

    await expect(ctx.sut.sweep(new Date(Date.now() + 31 * MINUTE))).resolves.toBe(1);
    expect((await ctx.service.get(uuid, alice)).status).toBe('done');
  });

  it('leaves alone a job queued behind a backlog: its tier still has tasks waiting or being read', async () => {
    const { uuid } = await ctx.service.submit(fakePdf(3), {}, alice);
    ctx.jobs.age(uuid, 3 * 60 * MINUTE); // a free job behind three hours of paid pages
    ctx.queue.waiting = { cpu: 420 };

    await expect(ctx.sut.sweep()).resolves.toBe(0);
    expect((await ctx.service.get(uuid, alice)).status).toBe('pending');

    ctx.queue.waiting = { cpu: 0, vlm: 12 }; // the cpu queue drained and this job's pages never came: lost
    await expect(ctx.sut.sweep()).resolves.toBe(1);
    expect((await ctx.service.get(uuid, alice)).status).toBe('failed');
  });

  it('waits for a later sweep when the queue cannot say whether tasks are waiting', async () => {
    const { uuid } = await ctx.service.submit(fakePdf(2), {}, alice);
    ctx.jobs.age(uuid, 31 * MINUTE);
    ctx.queue.waiting = { cpu: new Error('NATS connection lost') };

    await expect(ctx.sut.sweep()).resolves.toBe(0);
    expect((await ctx.service.get(uuid, alice)).status).toBe('pending');
  });

  it('ignores a result that arrives after its page was failed, and settles only once', async () => {
    const { uuid } = await ctx.service.submit(fakePdf(2), {}, alice);
    await ctx.service.onPageResult(uuid, ocrPage(0, 'first'), 'worker-a');
    ctx.jobs.age(uuid, 31 * MINUTE);
    await ctx.sut.sweep();

    await ctx.service.onPageResult(uuid, ocrPage(1, 'late second page'), 'worker-b');

    const job = await ctx.service.get(uuid, alice);
    expect(job.text).toBe('first');
    expect(job.pages[1]!.error).toContain('was not read');
    expect(ctx.billing.settlements).toEqual([{ jobId: uuid, succeeded: 1, failed: 1 }]);
    await expect(ctx.sut.sweep(new Date(Date.now() + 60 * MINUTE))).resolves.toBe(0);
    expect(ctx.billing.settlements).toHaveLength(1);
  });

  it('retries on its next sweep the housekeeping that failed (billing unreachable)', async () => {
    const { uuid } = await ctx.service.submit(fakePdf(2), {}, alice);
    ctx.jobs.age(uuid, 31 * MINUTE);
    ctx.billing.settleFailures.push(new Error('billing unavailable'));

    await expect(ctx.sut.sweep()).resolves.toBe(1);
    expect((await ctx.service.get(uuid, alice)).status).toBe('failed');
    expect(ctx.billing.settlements).toEqual([]);
    expect(ctx.uploads.objects.has(`uploads/${uuid}`)).toBe(true);

    await expect(ctx.sut.sweep()).resolves.toBe(0);
    expect(ctx.billing.settlements).toEqual([{ jobId: uuid, succeeded: 0, failed: 2 }]);
    expect(ctx.uploads.objects.has(`uploads/${uuid}`)).toBe(false);
  });

  it('looks four times per timeout, at least every second and at most every minute', () => {
    expect(setup({ PAGE_STALL_TIMEOUT: '30m' }).sut.intervalMs).toBe(60_000);
    expect(setup({ PAGE_STALL_TIMEOUT: '20s' }).sut.intervalMs).toBe(5_000);
    expect(setup({ PAGE_STALL_TIMEOUT: '2s' }).sut.intervalMs).toBe(1_000);
  });
});

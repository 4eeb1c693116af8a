import { Logger } from '@nestjs/common';
import type { JobPage } from '@ocr/documents';
import { account } from '../../test/fake-billing.repository';
import { fakePdf } from '../../test/fake-job.ports';
import { jobServiceWithFakes } from '../../test/job-service.fixture';
import type { Caller } from '../billing/billing.repository';
import { DomainError } from '../common/domain-error';
import { JobService } from './job.service';

function setup(env: Record<string, string> = {}) {
  const { service: sut, ...rest } = jobServiceWithFakes({ INLINE_MAX_PAGES: '5', INLINE_TIMEOUT: '60s', ...env });
  return { sut, ...rest };
}

const anonymous: Caller = { account: null, clientIp: '203.0.113.7' };
const alice: Caller = { account: account({ id: '0a11ce00-0000-4000-8000-000000000001', max_pages_per_file: 50 }), clientIp: '198.51.100.4' };
const bob: Caller = { account: account({ id: '0b0b0000-0000-4000-8000-000000000002' }), clientIp: '198.51.100.4' };

function ocrPage(index: number, text: string, confidence = 0.9): JobPage {
  return {
    index,
    width: 1000,
    height: 1400,
    text,
    markdown: text,
    blocks: [],
    tables: [],
    mean_confidence: confidence,
    language: 'en',
    engine: 'pp-ocrv4',
    source: 'ocr',
    timings_ms: {},
  };
}

function failedPage(index: number, error: string): JobPage {
  return { ...ocrPage(index, ''), mean_confidence: 0, error };
}

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, got success');
}

/** Lets pending promise callbacks run (real setImmediate) until `condition` holds; fails fast otherwise. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (condition()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`never happened: ${what}`);
}

/** Lets every pending promise callback run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
}

describe(JobService.name, () => {
  let ctx: ReturnType<typeof setup>;

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

  beforeEach(() => {
    ctx = setup();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  describe('submit: refusals before anything is reserved', () => {
    function expectNothingStarted(): void {
      expect(ctx.billing.reservations).toEqual([]);
      expect(ctx.uploads.objects.size).toBe(0);
      expect(ctx.jobs.all()).toEqual([]);
      expect(ctx.queue.tasks).toEqual([]);
    }

    it('refuses a request without a file (no_file)', async () => {
      const e = await rejection(ctx.sut.submit(undefined, {}, anonymous));
      expect(e.code).toBe('no_file');
      expect(e.status).toBe(400);
      expect(e.message).toContain('"file"');
      expectNothingStarted();
    });

    it('refuses an empty file (empty_file)', async () => {
      const e = await rejection(ctx.sut.submit({ buffer: Buffer.alloc(0), originalname: 'a.png', size: 0 }, {}, anonymous));
      expect(e.code).toBe('empty_file');
      expectNothingStarted();
    });

    it('refuses a file over MAX_UPLOAD_BYTES (file_too_large)', async () => {
      ctx = setup({ MAX_UPLOAD_BYTES: '8' });
      const e = await rejection(ctx.sut.submit(fakePdf(1), {}, anonymous));
      expect(e.code).toBe('file_too_large');
      expectNothingStarted();
    });

    it('answers tier=vlm with no_worker_pool (503) when no vlm pool is configured', async () => {
      const e = await rejection(ctx.sut.submit(fakePdf(1), { tier: 'vlm' }, alice));
      expect(e.code).toBe('no_worker_pool');
      expect(e.status).toBe(503);
      expect(e.message).toContain('tier=cpu');
      expectNothingStarted();
    });

    it('applies a tool preset’s tier: tool=translate needs the vlm pool too', async () => {
      const e = await rejection(ctx.sut.submit(fakePdf(1), { tool: 'translate', translate_to: 'en' }, alice));
      expect(e.code).toBe('no_worker_pool');
      expectNothingStarted();
    });

    it('refuses an unknown tool (unknown_tool), naming the known ones', async () => {
      const e = await rejection(ctx.sut.submit(fakePdf(1), { tool: 'make-coffee' }, alice));
      expect(e.code).toBe('unknown_tool');
      expect(e.message).toContain('extract-tables');
      expectNothingStarted();
    });

    it('refuses an unknown language (unknown_language)', async () => {
      const e = await rejection(ctx.sut.submit(fakePdf(1), { language: 'klingon' }, alice));
      expect(e.code).toBe('unknown_language');
      expectNothingStarted();
    });

    it('refuses a file with more pages than the account’s max_pages_per_file (too_many_pages)', async () => {
      const limited: Caller = { ...alice, account: { ...alice.account!, max_pages_per_file: 3 } };
      const e = await rejection(ctx.sut.submit(fakePdf(4), {}, limited));
      expect(e.code).toBe('too_many_pages');
      expect(e.message).toContain('4 pages');
      expect(e.message).toContain('3 pages per file');
      expectNothingStarted();
    });
  });

  describe('submit: billing refusals', () => {
    it('answers a refused reservation with payment_required carrying used and cap', async () => {
      ctx.billing.answer = { accepted: false, used: 10, cap: 10, reason: 'The monthly free limit of 10 pages is reached.' };
      const e = await rejection(ctx.sut.submit(fakePdf(2), {}, alice));
      expect(e.code).toBe('payment_required');
      expect(e.status).toBe(402);
      expect(e.message).toBe('The monthly free limit of 10 pages is reached.');
      expect(e.extra).toEqual({ used: 10, cap: 10 });
      expect(ctx.billing.reservations).toHaveLength(1);
      expect(ctx.uploads.objects.size).toBe(0);
      expect(ctx.jobs.all()).toEqual([]);
      expect(ctx.queue.tasks).toEqual([]);
    });

    it('answers an anonymous caller refused with cap 0 (anonymous use off) with unauthorized', async () => {
      ctx.billing.answer = { accepted: false, used: 0, cap: 0, reason: 'anonymous use is disabled' };
      const e = await rejection(ctx.sut.submit(fakePdf(1), {}, anonymous));
      expect(e.code).toBe('unauthorized');
      expect(e.status).toBe(401);
      expect(ctx.jobs.all()).toEqual([]);
    });

    it('answers a refusal over billing’s per-file page cap with too_many_pages, not 402', async () => {
      ctx.billing.answer = { accepted: false, used: 0, cap: 5, maxPagesPerFile: 2, reason: 'too many pages' };
      const e = await rejection(ctx.sut.submit(fakePdf(3), {}, anonymous));
      expect(e.code).toBe('too_many_pages');
      expect(e.message).toContain('limit is 2 pages per file');
    });
  });

  describe('submit: accepted jobs', () => {
    it('refunds the reservation, deletes the upload and fails the job when the tasks cannot be queued', async () => {
      ctx.queue.failures.push(new Error('nats: connection closed'));
      await expect(ctx.sut.submit(fakePdf(7), {}, alice)).rejects.toThrow('nats: connection closed');

      const [reservation] = ctx.billing.reservations;
      expect(ctx.billing.settlements).toEqual([{ jobId: reservation!.jobId, succeeded: 0, failed: 7 }]);
      expect(ctx.uploads.objects.size).toBe(0);
      const job = await ctx.jobs.find(reservation!.jobId);
      expect(job).toMatchObject({ status: 'failed', error: 'The job could not be queued.' });
      expect(job!.finished_at).toBeInstanceOf(Date);
    });

    it('stores an upload only once its job exists, and queues tasks only once both do (a crash in between orphans nothing)', async () => {
      const seen: string[] = [];
      const put = ctx.uploads.put.bind(ctx.uploads);
      ctx.uploads.put = async (key, bytes, type) => {
        seen.push(`put: job ${(await ctx.jobs.find(key.split('/')[1]!)) ? 'exists' : 'missing'}`);
        return put(key, bytes, type);
      };
      const publish = ctx.queue.publishTasks.bind(ctx.queue);
      ctx.queue.publishTasks = async (tasks) => {
        seen.push(`publish: upload ${ctx.uploads.objects.has(tasks[0]!.upload_key) ? 'stored' : 'missing'}`);
        return publish(tasks);
      };

      await ctx.sut.submit(fakePdf(6), {}, alice);

      expect(seen).toEqual(['put: job exists', 'publish: upload stored']);
    });

    it('has every task continue the caller’s trace (same trace id, the job’s own span), or start one', async () => {
      const incoming = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'congo=t61rcWkgMzE' };
      await ctx.sut.submit(fakePdf(6), {}, alice, undefined, incoming);
      const traced = ctx.queue.tasks.map((t) => t.trace);
      expect(new Set(traced.map((t) => t!.traceparent)).size).toBe(1);
      expect(traced[0]).toEqual({ traceparent: expect.stringMatching(/^00-0af7651916cd43dd8448eb211c80319c-(?!b7ad6b7169203331)[0-9a-f]{16}-01$/), tracestate: 'congo=t61rcWkgMzE' });

      await ctx.sut.submit(fakePdf(6), {}, alice);
      const own = ctx.queue.tasks.at(-1)!.trace!.traceparent;
      expect(own).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(own).not.toContain('0af7651916cd43dd8448eb211c80319c');
    });

    it('answers a file of more than INLINE_MAX_PAGES pages at once with a pending job and one task per page', async () => {
      const job = await ctx.sut.submit(fakePdf(6), { language: 'EN', tool: 'extract-tables' }, alice);

      expect(job).toMatchObject({ status: 'pending', page_count: 6, pages_done: 0, tier: 'cpu', language: 'en', tool: 'extract-tables', pages: [] });
      expect(ctx.billing.reservations).toEqual([{ jobId: job.uuid, caller: alice, tier: 'cpu', pages: 6 }]);
      const uploadKey = `uploads/${job.uuid}`;
      expect(ctx.uploads.objects.get(uploadKey)).toEqual({ bytes: fakePdf(6).buffer, contentType: 'application/pdf' });
      expect(ctx.queue.tasks.map((t) => t.page_index)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(ctx.queue.tasks[3]).toEqual({
        job_id: job.uuid,
        page_index: 3,
        page_count: 6,
        upload_key: uploadKey,
        mime: 'application/pdf',
        tier: 'cpu',
        language: 'en',
        tool: 'extract-tables',
        priority: alice.account!.priority,
        trace: { traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/) },
      });
      expect(ctx.waiter.size).toBe(0);
    });

    it('waits for a file of up to INLINE_MAX_PAGES pages until its results arrive, and returns it done', async () => {
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] }); // only a notify can wake the wait
      let settled = false;
      const submitted = ctx.sut.submit(fakePdf(2), {}, anonymous);
      submitted.then(
        () => (settled = true),
        () => (settled = true),
      );

      await until(() => ctx.waiter.size === 1, 'the request waits for its job');
      const [first, second] = ctx.queue.tasks;
      await ctx.sut.onPageResult(first!.job_id, ocrPage(0, 'INVOICE', 0.8), 'worker-a');
      await settle();
      expect(settled).toBe(false);

      await ctx.sut.onPageResult(second!.job_id, ocrPage(1, 'Total: 215.00 USD', 1), 'worker-b');
      await until(() => settled, 'the waiting request is woken by the last page');
      const job = await submitted;

      expect(job.status).toBe('done');
      expect(job.pages_done).toBe(2);
      expect(job.text).toBe('INVOICE\n\nTotal: 215.00 USD');
      expect(job.pages.map((p) => p.index)).toEqual([0, 1]);
      // Weighted by characters without spaces: "INVOICE" 7 at 0.8, "Total:215.00USD" 15 at 1.
      expect(job.mean_confidence).toBeCloseTo((7 * 0.8 + 15 * 1) / 22, 4);
      expect(ctx.waiter.size).toBe(0);
    });

    it('stops waiting after INLINE_TIMEOUT and returns the job as it stands', async () => {
      ctx = setup({ INLINE_TIMEOUT: '5s' });
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
      const submitted = ctx.sut.submit(fakePdf(1), {}, anonymous);
      await until(() => ctx.waiter.size === 1, 'the request waits for its job');
      await jest.advanceTimersByTimeAsync(5_000);
      const job = await submitted;
      expect(job.status).toBe('pending');
      expect(ctx.waiter.size).toBe(0);
    });

    it('stops waiting when the client goes away', async () => {
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
      const gone = new AbortController();
      const submitted = ctx.sut.submit(fakePdf(1), {}, anonymous, gone.signal);
      await until(() => ctx.waiter.size === 1, 'the request waits for its job');
      gone.abort();
      await expect(submitted).resolves.toMatchObject({ status: 'pending' });
      expect(ctx.waiter.size).toBe(0);
    });
  });

  describe('onPageResult', () => {
    beforeEach(() => {
      ctx = setup({ INLINE_MAX_PAGES: '0' });
    });

    it('counts a page delivered twice once', async () => {
      const { uuid } = await ctx.sut.submit(fakePdf(3), {}, alice);
      await ctx.sut.onPageResult(uuid, ocrPage(1, 'second page'), 'worker-a');
      await ctx.sut.onPageResult(uuid, ocrPage(1, 'second page, again'), 'worker-b');

      const job = await ctx.sut.get(uuid, alice);
      expect(job.status).toBe('processing');
      expect(job.pages_done).toBe(1);
      expect(job.pages).toHaveLength(1);
      expect(job.pages[0]!.text).toBe('second page');
      expect(job.text).toBe('second page');
      expect(ctx.billing.settlements).toEqual([]);
      expect(ctx.queue.finished).toEqual([]);
    });

    it('fails a page the queue gave up on (its worker died on every delivery), refunds it, and ignores a late result', async () => {
      const { uuid } = await ctx.sut.submit(fakePdf(2), {}, alice);
      await ctx.sut.onPageResult(uuid, ocrPage(0, 'one'), 'worker-a');
      await ctx.sut.onTaskAbandoned(uuid, 1, 5);
      await ctx.sut.onPageResult(uuid, ocrPage(1, 'too late'), 'worker-b');

      const job = await ctx.sut.get(uuid, alice);
      expect(job).toMatchObject({ status: 'done', pages_done: 2, text: 'one', error: null });
      expect(job.pages[1]!.error).toBe('The page could not be read: the worker reading it stopped (crashed, was killed or hung) on each of its 5 attempts.');
      expect(ctx.billing.settlements).toEqual([{ jobId: uuid, succeeded: 1, failed: 1 }]);
    });

    it('finishes the job on its last page: settles once (failed pages refunded), deletes the upload, announces it', async () => {
      const { uuid } = await ctx.sut.submit(fakePdf(3), {}, alice);
      await ctx.sut.onPageResult(uuid, ocrPage(2, 'three'), 'worker-a');
      await ctx.sut.onPageResult(uuid, failedPage(1, 'page 2 could not be decoded'), 'worker-a');
      expect(ctx.uploads.objects.has(`uploads/${uuid}`)).toBe(true);
      await ctx.sut.onPageResult(uuid, ocrPage(0, 'one'), 'worker-b');
      // A redelivered result after the end changes nothing and settles nothing again.
      await ctx.sut.onPageResult(uuid, ocrPage(0, 'one'), 'worker-c');

      expect(ctx.billing.settlements).toEqual([{ jobId: uuid, succeeded: 2, failed: 1 }]);
      // The upload is gone; the finished document stays (for chat) until the results expire.
      expect([...ctx.uploads.objects.keys()]).toEqual([`results/${uuid}.json`]);
      const stored = JSON.parse(ctx.uploads.objects.get(`results/${uuid}.json`)!.bytes.toString('utf8'));
      expect(stored).toMatchObject({ uuid, status: 'done', text: 'one\n\nthree' });
      expect(ctx.queue.finished).toEqual([
        { job_id: uuid, account_id: alice.account!.id, status: 'done', page_count: 3, result_key: `results/${uuid}.json` },
      ]);
      const job = await ctx.sut.get(uuid, alice);
      expect(job).toMatchObject({ status: 'done', pages_done: 3, text: 'one\n\nthree', error: null });
      expect(job.pages.map((p) => [p.index, p.error ?? null])).toEqual([
        [0, null],
        [1, 'page 2 could not be decoded'],
        [2, null],
      ]);
      expect(job.finished_at).not.toBeNull();
    });

    it('marks a job whose every page failed as failed, with an error, and refunds every page', async () => {
      const { uuid } = await ctx.sut.submit(fakePdf(2), {}, anonymous);
      await ctx.sut.onPageResult(uuid, failedPage(0, 'image too large'), 'worker-a');
      await ctx.sut.onPageResult(uuid, failedPage(1, 'image too large'), 'worker-a');

      const job = await ctx.sut.get(uuid, anonymous);
      expect(job.status).toBe('failed');
      expect(job.error).toContain('image too large');
      expect(job.text).toBe('');
      expect(ctx.billing.settlements).toEqual([{ jobId: uuid, succeeded: 0, failed: 2 }]);
      expect(ctx.queue.finished).toEqual([{ job_id: uuid, account_id: null, status: 'failed', page_count: 2, result_key: `results/${uuid}.json` }]);
      expect(ctx.uploads.objects.has(`uploads/${uuid}`)).toBe(false);
    });

    it('finishes the housekeeping on a redelivered result when settling failed the first time', async () => {
      const { uuid } = await ctx.sut.submit(fakePdf(1), {}, alice);
      ctx.billing.settleFailures.push(new Error('billing unavailable'));
      await expect(ctx.sut.onPageResult(uuid, ocrPage(0, 'only page'), 'worker-a')).rejects.toThrow('billing unavailable');
      expect(ctx.uploads.objects.size).toBe(1);

      await ctx.sut.onPageResult(uuid, ocrPage(0, 'only page'), 'worker-a'); // the results consumer redelivers
      expect(ctx.billing.settlements).toEqual([{ jobId: uuid, succeeded: 1, failed: 0 }]);
      expect(ctx.queue.finished).toHaveLength(1);
      expect(ctx.uploads.objects.has(`uploads/${uuid}`)).toBe(false);
      expect(await ctx.sut.recover()).toBe(0);
    });

    it('still announces the job on a redelivered result when announcing failed the first time', async () => {
      const { uuid } = await ctx.sut.submit(fakePdf(1), {}, alice);
      ctx.queue.finishedFailures.push(new Error('nats: timeout'));
      await expect(ctx.sut.onPageResult(uuid, ocrPage(0, 'only page'), 'worker-a')).rejects.toThrow('nats: timeout');

      await ctx.sut.onPageResult(uuid, ocrPage(0, 'only page'), 'worker-a'); // the results consumer redelivers
      expect(ctx.queue.finished).toEqual([{ job_id: uuid, account_id: alice.account!.id, status: 'done', page_count: 1, result_key: `results/${uuid}.json` }]);
      expect(ctx.billing.settlements.every((s) => s.jobId === uuid && s.succeeded === 1 && s.failed === 0)).toBe(true);
      expect(ctx.uploads.objects.has(`uploads/${uuid}`)).toBe(false);
    });

    it('ignores a result for a job it does not know', async () => {
      await expect(ctx.sut.onPageResult('00000000-0000-4000-8000-000000000000', ocrPage(0, 'x'), 'w')).resolves.toBeUndefined();
      expect(ctx.billing.settlements).toEqual([]);
    });
  });

  describe('get', () => {
    beforeEach(() => {
      ctx = setup({ INLINE_MAX_PAGES: '0' });
    });

    it('shows an account its own job', async () => {
      const { uuid } = await ctx.sut.submit(fakePdf(1), {}, alice);
      await expect(ctx.sut.get(uuid, alice)).resolves.toMatchObject({ uuid, status: 'pending' });
    });

    it('answers another account’s job with not_found', async () => {
      const { uuid } = await ctx.sut.submit(fakePdf(1), {}, alice);
      const e = await rejection(ctx.sut.get(uuid, bob));
      expect(e.code).toBe('not_found');
      expect(e.status).toBe(404);
    });

    it('answers an account job to an anonymous caller from the same IP with not_found', async () => {
      const { uuid } = await ctx.sut.submit(fakePdf(1), {}, alice);
      expect((await rejection(ctx.sut.get(uuid, { account: null, clientIp: alice.clientIp }))).code).toBe('not_found');
    });

    it('answers an anonymous job to another IP, or to an account on the same IP, with not_found', async () => {
      const { uuid } = await ctx.sut.submit(fakePdf(1), {}, anonymous);
      await expect(ctx.sut.get(uuid, { account: null, clientIp: anonymous.clientIp })).resolves.toMatchObject({ uuid });
      expect((await rejection(ctx.sut.get(uuid, { account: null, clientIp: '203.0.113.8' }))).code).toBe('not_found');
      expect((await rejection(ctx.sut.get(uuid, { ...alice, clientIp: anonymous.clientIp }))).code).toBe('not_found');
    });

    it('answers an unknown uuid with not_found', async () => {
      expect((await rejection(ctx.sut.get('00000000-0000-4000-8000-000000000000', alice))).code).toBe('not_found');
    });
  });
});

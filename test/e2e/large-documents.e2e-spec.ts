import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { bombPng, encryptedPdf, textPdf } from '../../libs/documents/test/document.fixtures';
import { spawnNats, SpawnedNats } from '../../libs/testing/src/nats';
import { AppProcess, killPid, startGateway, startWorker, stopStartedApps } from './apps';
import { mixedPdf, multiPageTiff, pageWords, PdfPageKind } from './documents';
import { ROOT, startPlatform, StartedPlatform } from './platform';

/**
 * Large documents through the whole platform (scripts/platform.js on a private nats-server, its
 * own database and storage folder): fan-out page by page with progress, failed pages refunded,
 * paid plans first, a worker SIGKILLed mid-page, NATS and the gateway restarted mid-job, limits,
 * and storage left empty once results expire. The OCR workers are started by the test itself, so
 * it can hold the queue, kill them and start others.
 */

const run = promisify(execFile);

const GATEWAY_MAX_PAGES = 40;
const ANONYMOUS_MAX_PAGES = 20;
const RETENTION_S = 30;

interface Job {
  uuid: string;
  status: string;
  page_count: number;
  pages_done: number;
  text: string;
  error: string | null;
  pages: { index: number; text: string; source: string; error?: string | null }[];
}

interface Account {
  id: string;
  token: string;
}

/** Eight pages: born-digital pages 2 and 5 (their text layer), the others scans (OCR). */
const KINDS: PdfPageKind[] = ['scan', 'text', 'scan', 'scan', 'text', 'scan', 'scan', 'scan'];

describe('large documents, page by page, surviving crashes', () => {
  let nats: SpawnedNats;
  let platform: StartedPlatform;
  let paid: Account;
  let free: Account;
  let document: Buffer;
  /** What the undisturbed run of `document` read: every disturbed run must read the same. */
  let reference: Job;
  const workers: AppProcess[] = [];
  const jobIds: { uuid: string; token?: string }[] = [];

  beforeAll(async () => {
    nats = await spawnNats();
    [platform, document] = await Promise.all([
      startPlatform({
        workers: 0,
        env: {
          NATS_URL: nats.url,
          TASK_ACK_WAIT: '5s',
          RESULT_RETENTION: `${RETENTION_S}s`,
          RETENTION_SWEEP_INTERVAL: '1s',
          MAX_PAGES_PER_FILE: String(GATEWAY_MAX_PAGES),
          BILLING_MAX_PAGES_ANONYMOUS: String(ANONYMOUS_MAX_PAGES),
          BILLING_ANON_DAILY_PAGES: '500',
        },
      }),
      mixedPdf(KINDS, { lines: 5 }),
    ]);
    paid = await createAccount('paid', 1000);
    free = await createAccount('free', 0);
  }, 240_000);

  afterAll(async () => {
    await stopStartedApps();
    await platform?.stop();
    await nats?.stop();
  }, 60_000);

  async function createAccount(plan: 'paid' | 'free', credits: number): Promise<Account> {
    const { stdout } = await run(
      process.execPath,
      [join(ROOT, 'apps/billing/dist/cli.js'), 'create-account', '--email', `${plan}-${Date.now()}@e2e.test`, '--plan', plan, '--credits', String(credits)],
      { env: { ...process.env, BILLING_GRPC_URL: platform.billing } },
    );
    const created = JSON.parse(stdout) as { account: { id: string }; token: string };
    return { id: created.account.id, token: created.token };
  }

  /** The account's balance as billing keeps it. */
  async function balance(account: Account): Promise<number> {
    const { stdout } = await run(process.execPath, [join(ROOT, 'apps/billing/dist/cli.js'), 'show', '--account', account.id], {
      env: { ...process.env, BILLING_GRPC_URL: platform.billing },
    });
    const value = Number((JSON.parse(stdout) as { account: { balance: number | string } }).account.balance);
    if (!Number.isFinite(value)) throw new Error(`billing answered no balance: ${stdout}`);
    return value;
  }

  /** Submits with `language=en` (the engine skips script detection: quicker pages). */
  async function submit(
    bytes: Buffer,
    name: string,
    token?: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: Job & { detail?: string; code?: string } }> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)]), name);
    form.append('language', 'en');
    const res = await fetch(`${platform.url}/api/v1/ocr/`, {
      method: 'POST',
      body: form,
      headers: { ...headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      signal: AbortSignal.timeout(150_000),
    });
    const body = (await res.json()) as Job & { detail?: string; code?: string };
    if (res.status === 200) jobIds.push({ uuid: body.uuid, token });
    return { status: res.status, body };
  }

  async function get(uuid: string, token?: string): Promise<{ status: number; body: Job }> {
    const res = await fetch(`${platform.url}/api/v1/ocr/${uuid}/`, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: (await res.json()) as Job };
  }

  /** Polls the job until it is done or failed; `seen` gets every state observed on the way. */
  async function finished(uuid: string, token?: string, seen: Job[] = [], timeoutMs = 150_000): Promise<Job> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const r = await get(uuid, token).catch(() => null); // the gateway may be restarting
      if (r?.status === 200) {
        seen.push(r.body);
        if (r.body.status === 'done' || r.body.status === 'failed') return r.body;
      }
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error(`job ${uuid} did not finish within ${timeoutMs} ms; last seen ${JSON.stringify(seen.at(-1)?.status)} ${seen.at(-1)?.pages_done}`);
  }

  async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const v = await probe();
      if (v) return v;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error(`never happened within ${timeoutMs} ms: ${what}`);
  }

  function storageFiles(): string[] {
    const root = join(platform.dataDir, 'storage');
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else out.push(relative(root, join(dir, e.name)));
      }
    };
    try {
      walk(root);
    } catch {
      /* not created yet */
    }
    return out;
  }

  /**
   * Waits until the job's housekeeping is over: its upload deleted from storage and billing settled
   * to `expected` (the job shows `done` a moment before that), and checks it stays so.
   */
  async function settledTo(uuid: string, account: Account, expected: number): Promise<void> {
    const upload = () => storageFiles().filter((f) => f.includes('uploads') && f.includes(uuid));
    await until(`upload of ${uuid} deleted`, async () => upload().length === 0, 30_000);
    let last = NaN;
    await until(`balance ${expected}`, async () => (last = await balance(account)) === expected, 30_000).catch(() => undefined);
    expect(last).toBe(expected);
    expect(upload()).toEqual([]);
  }

  /** The page indices a worker finished, in its order, for a job. */
  function pagesRead(worker: AppProcess, uuid: string): { page: number; attempt: number }[] {
    return worker.logs
      .filter((l) => l.msg === 'page read' && l.job_id === uuid)
      .map((l) => ({ page: Number(l.page), attempt: Number(l.attempt) }));
  }

  function expectSameResult(job: Job): void {
    expect(job.status).toBe('done');
    expect(job.pages_done).toBe(reference.page_count);
    expect(job.pages.map((p) => [p.index, p.source, p.text])).toEqual(reference.pages.map((p) => [p.index, p.source, p.text]));
    expect(job.text).toBe(reference.text);
  }

  it('holds the queue by plan: with no worker running, paid pages are read before free ones, free before anonymous', async () => {
    const sixScans: PdfPageKind[] = Array(6).fill('scan');
    const pdf = await mixedPdf(sixScans);
    const anonymousJob = await submit(pdf, 'anonymous.pdf');
    const freeJob = await submit(pdf, 'free.pdf', free.token);
    const paidJob = await submit(pdf, 'paid.pdf', paid.token);
    for (const j of [anonymousJob, freeJob, paidJob]) expect(j.body).toMatchObject({ status: 'pending', page_count: 6, pages_done: 0 });

    workers.push(await startWorker(platform, 'worker-1', { LOG_LEVEL: 'debug', WORKER_CONCURRENCY: '1' }));
    await finished(anonymousJob.body.uuid);
    await finished(freeJob.body.uuid, free.token);
    await finished(paidJob.body.uuid, paid.token);

    const owner = new Map([
      [paidJob.body.uuid, 'paid'],
      [freeJob.body.uuid, 'free'],
      [anonymousJob.body.uuid, 'anonymous'],
    ]);
    const order = workers[0]!.logs.filter((l) => l.msg === 'page read' && owner.has(String(l.job_id))).map((l) => owner.get(String(l.job_id)));
    expect(order).toEqual([...Array(6).fill('paid'), ...Array(6).fill('free'), ...Array(6).fill('anonymous')]);
  }, 180_000);

  it('answers a >5-page PDF at once as pending, shows pages_done and the finished pages’ text while it runs, then done', async () => {
    const before = await balance(paid);
    // The caller's W3C trace context: every page's worker log line carries its trace id.
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const submitted = await submit(document, 'report.pdf', paid.token, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ status: expect.stringMatching(/^(pending|processing)$/), page_count: 8 });

    const seen: Job[] = [];
    const job = await finished(submitted.body.uuid, paid.token, seen);

    // On the way: some pages done, not all, and exactly those pages' text shown.
    const partial = seen.filter((s) => s.pages_done > 0 && s.pages_done < 8);
    expect(partial.length).toBeGreaterThan(0);
    for (const s of partial) {
      expect(s.status).toBe('processing');
      expect(s.pages).toHaveLength(s.pages_done);
      for (const p of s.pages) expect(s.text.toLowerCase()).toContain(pageWords(p.index)[1]!);
    }
    const progress = seen.map((s) => s.pages_done);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    expect(job).toMatchObject({ status: 'done', page_count: 8, pages_done: 8, error: null });
    expect(job.pages.map((p) => p.source)).toEqual(KINDS.map((k) => (k === 'text' ? 'text-layer' : 'ocr')));
    for (const p of job.pages) {
      expect(p.error ?? null).toBeNull();
      expect(p.text.toLowerCase()).toContain(pageWords(p.index)[1]!);
    }
    expect(job.pages[1]!.text).toContain('is typed on this born digital page');
    const read = workers[0]!.logs.filter((l) => l.msg === 'page read' && l.job_id === job.uuid);
    expect(read.map((l) => l.trace_id)).toEqual(Array(8).fill(traceId));
    await settledTo(job.uuid, paid, before - 8);
    reference = job;
  }, 180_000);

  it('reads a multi-page TIFF page by page; a corrupt page fails alone and its credit is refunded', async () => {
    const before = await balance(paid);
    const submitted = await submit(await multiPageTiff(7, { corrupt: [2] }), 'scan.tiff', paid.token);
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'pending', page_count: 7 });

    const job = await finished(submitted.body.uuid, paid.token);

    expect(job).toMatchObject({ status: 'done', pages_done: 7, error: null });
    expect(job.pages[2]!.error).toMatch(/damaged|cannot be read/i);
    for (const p of job.pages.filter((p) => p.index !== 2)) {
      expect(p.error ?? null).toBeNull();
      expect(p.text.toLowerCase()).toContain(pageWords(p.index)[1]!);
    }
    await settledTo(job.uuid, paid, before - 6);
  }, 120_000);

  it('fails a job whose every page failed, with a short error, and refunds every page', async () => {
    const before = await balance(paid);
    const submitted = await submit(await multiPageTiff(2, { corrupt: [0, 1] }), 'damaged.tiff', paid.token);

    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'failed', page_count: 2, pages_done: 2 });
    expect(submitted.body.error).toMatch(/every page failed/);
    expect(submitted.body.error!.length).toBeLessThan(300);
    await settledTo(submitted.body.uuid, paid, before);
  }, 120_000);

  it('redelivers the page of a worker SIGKILLed in the middle of it to another worker: same result, charged once', async () => {
    workers.push(await startWorker(platform, 'worker-2', { LOG_LEVEL: 'debug', WORKER_CONCURRENCY: '1' }));
    const [victim, survivor] = workers as [AppProcess, AppProcess];
    const before = await balance(paid);
    const submitted = await submit(document, 'report.pdf', paid.token);
    const uuid = submitted.body.uuid;

    // The victim is in the middle of a page: it started it and has not finished it.
    const inProgress = await until('worker-1 in the middle of a page', async () => {
      const started = victim.logs.filter((l) => l.msg === 'reading page' && l.job_id === uuid).map((l) => Number(l.page));
      const done = new Set(pagesRead(victim, uuid).map((r) => r.page));
      return started.find((p) => !done.has(p) && KINDS[p] === 'scan') ?? null;
    });
    await victim.kill('SIGKILL');
    expect(pagesRead(victim, uuid).map((r) => r.page)).not.toContain(inProgress);

    const job = await finished(uuid, paid.token);

    expectSameResult(job);
    // The killed worker's page went to the other worker, on a later delivery of the same task.
    expect(pagesRead(survivor, uuid)).toContainEqual({ page: inProgress, attempt: expect.any(Number) });
    expect(pagesRead(survivor, uuid).find((r) => r.page === inProgress)!.attempt).toBeGreaterThanOrEqual(2);
    await settledTo(uuid, paid, before - 8);
  }, 180_000);

  it('completes a job across a NATS restart (JetStream keeps the streams on disk)', async () => {
    const before = await balance(paid);
    const { body } = await submit(document, 'report.pdf', paid.token);
    await until('a first page done', async () => (await get(body.uuid, paid.token)).body.pages_done >= 1);

    await nats.kill();
    // Mid-job: with NATS down no result reaches the gateway, so the job stands where it was.
    expect((await get(body.uuid, paid.token)).body.pages_done).toBeLessThan(8);
    await nats.start();

    const job = await finished(body.uuid, paid.token);
    expectSameResult(job);
    await settledTo(body.uuid, paid, before - 8);
  }, 180_000);

  it('completes a job across a gateway SIGKILL and restart', async () => {
    const before = await balance(paid);
    const { body } = await submit(document, 'report.pdf', paid.token);
    const midway = await until('a first page done', async () => {
      const j = (await get(body.uuid, paid.token)).body;
      return j.pages_done >= 1 ? j : null;
    });

    await killPid(platform.pids.gateway!);
    expect(midway.pages_done).toBeLessThan(8); // killed mid-job: the rest of the pages land on the new gateway
    await startGateway(platform);

    const job = await finished(body.uuid, paid.token);
    expectSameResult(job);
    await settledTo(body.uuid, paid, before - 8);
  }, 180_000);

  it('fails at once, and refunds, the page whose worker was killed on its last delivery (TASK_MAX_DELIVER reached)', async () => {
    // Workers that give each task a single delivery: the first SIGKILL spends it.
    await workers[1]!.kill();
    const oneTry = { LOG_LEVEL: 'debug', WORKER_CONCURRENCY: '1', TASK_MAX_DELIVER: '1' };
    const victim = await startWorker(platform, 'worker-3', oneTry);
    const before = await balance(paid);
    const { body } = await submit(document, 'report.pdf', paid.token);
    const lost = await until('worker-3 in the middle of a page', async () => {
      const started = victim.logs.filter((l) => l.msg === 'reading page' && l.job_id === body.uuid).map((l) => Number(l.page));
      const done = new Set(pagesRead(victim, body.uuid).map((r) => r.page));
      return started.find((p) => !done.has(p) && KINDS[p] === 'scan') ?? null;
    });
    await victim.kill('SIGKILL');
    workers.push(await startWorker(platform, 'worker-4', oneTry));

    const job = await finished(body.uuid, paid.token);

    expect(job).toMatchObject({ status: 'done', pages_done: 8, error: null });
    expect(job.pages[lost]!.error).toMatch(/worker reading it stopped/);
    for (const p of job.pages.filter((p) => p.index !== lost)) {
      expect([p.index, p.source, p.text]).toEqual([p.index, reference.pages[p.index]!.source, reference.pages[p.index]!.text]);
    }
    await settledTo(body.uuid, paid, before - 7);
  }, 180_000);

  describe('limits, checked before anything is queued or charged', () => {
    it('answers a file over the server’s page cap with 400 naming the cap', async () => {
      const pdf = await textPdf(Array.from({ length: GATEWAY_MAX_PAGES + 1 }, () => [{ text: 'one line', x: 72, y: 700, size: 12 }]));
      const before = await balance(paid);
      const { status, body } = await submit(pdf, 'long.pdf', paid.token);
      expect(status).toBe(400);
      expect(body.code).toBe('too_many_pages');
      expect(body.detail).toContain(`${GATEWAY_MAX_PAGES} pages`);
      expect(await balance(paid)).toBe(before);
    });

    it('answers a file over the plan’s page cap (anonymous) with 400 naming that cap', async () => {
      const pdf = await textPdf(Array.from({ length: ANONYMOUS_MAX_PAGES + 1 }, () => [{ text: 'one line', x: 72, y: 700, size: 12 }]));
      const { status, body } = await submit(pdf, 'long.pdf');
      expect(status).toBe(400);
      expect(body.code).toBe('too_many_pages');
      expect(body.detail).toContain(`${ANONYMOUS_MAX_PAGES} pages`);
    });

    it('refuses a decompression bomb from its header, before decoding it', async () => {
      const { status, body } = await submit(bombPng(50_000, 50_000), 'bomb.png', paid.token);
      expect(status).toBe(400);
      expect(body.code).toBe('too_many_pixels');
      expect(body.detail).toContain('50000×50000');
      expect((await fetch(`${platform.url}/health/ready`)).status).toBe(200);
    });

    it('refuses an encrypted PDF and a corrupt PDF with 400 and a clear message', async () => {
      const encrypted = await submit(encryptedPdf('secret'), 'locked.pdf', paid.token);
      expect(encrypted.status).toBe(400);
      expect(encrypted.body.code).toBe('encrypted_file');
      expect(encrypted.body.detail).toMatch(/password|encrypted/i);

      const corrupt = await submit(Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'), 'broken.pdf', paid.token);
      expect(corrupt.status).toBe(400);
      expect(corrupt.body.code).toBe('corrupt_file');
      expect((corrupt.body.detail ?? '').length).toBeGreaterThan(10);
    });
  });

  it('deletes every job’s results after RESULT_RETENTION: storage ends empty and the jobs are gone (404)', async () => {
    expect(jobIds.length).toBeGreaterThanOrEqual(8);
    await until(
      'storage empty and every job 404',
      async () => {
        if (storageFiles().length > 0) return false;
        for (const { uuid, token } of jobIds) if ((await get(uuid, token)).status !== 404) return false;
        return true;
      },
      (RETENTION_S + 60) * 1000,
    );
    expect(storageFiles()).toEqual([]);
  }, (RETENTION_S + 90) * 1000);
});

import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, startPlatform, StartedPlatform } from './platform';

const run = promisify(execFile);
// sharp is a dependency of @ocr/documents (the root package has none): take it from there.
const sharp = createRequire(join(ROOT, 'libs/documents/package.json'))('sharp') as typeof import('sharp');

/** The anonymous allowance of one client IP per day on the platform of this spec. */
const ANON_DAILY_PAGES = 50;
const CONCURRENT = 200;

/** A small one-page PNG with a few printed words, quick to OCR. */
async function tinyPage(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="420" height="90">
    <rect width="100%" height="100%" fill="white"/>
    <text x="20" y="58" font-family="DejaVu Sans, sans-serif" font-size="36" fill="black">Total 42 paid</text>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function submit(p: StartedPlatform, png: Buffer, token?: string): Promise<Answer> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'total.png');
  const res = await fetch(`${p.url}/api/v1/ocr/`, {
    method: 'POST',
    body: form,
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(150_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function api(p: StartedPlatform, method: string, path: string, token?: string, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${p.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** A paid account with exactly `credits` credits, opened with the operator CLI as an operator would. */
async function paidAccount(p: StartedPlatform, credits: number): Promise<{ token: string; id: string }> {
  const email = `e2e-paid-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
  const { stdout } = await run(
    process.execPath,
    [join(ROOT, 'apps/billing/dist/cli.js'), 'create-account', '--email', email, '--plan', 'paid', '--credits', String(credits)],
    { env: { ...process.env, BILLING_GRPC_URL: p.billing }, timeout: 30_000 },
  );
  const out = JSON.parse(stdout) as { token: string; account: { id: string; balance: number } };
  expect(out.account.balance).toBe(credits);
  return { token: out.token, id: out.account.id };
}

function tally(answers: Answer[]): Record<number, number> {
  const by: Record<number, number> = {};
  for (const a of answers) by[a.status] = (by[a.status] ?? 0) + 1;
  return by;
}

/**
 * Billing through the whole platform, started as a user starts it: the never-overspend guarantee
 * under 200 concurrent submissions (a paid account's credits and the anonymous bucket of one IP),
 * and the account page flow (sign-up, issue, revoke) over REST.
 */
describe('billing through the platform', () => {
  let platform: StartedPlatform;
  let png: Buffer;

  beforeAll(async () => {
    png = await tinyPage();
    platform = await startPlatform({ workers: 2, env: { BILLING_ANON_DAILY_PAGES: String(ANON_DAILY_PAGES) } });
  }, 240_000);

  afterAll(async () => {
    await platform?.stop();
  });

  it(`never overspends: ${CONCURRENT} concurrent 1-page submissions on 50 credits → 50 done, 150 × 402, balance 0`, async () => {
    const { token } = await paidAccount(platform, 50);

    const answers = await Promise.all(Array.from({ length: CONCURRENT }, () => submit(platform, png, token)));

    expect(tally(answers)).toEqual({ 200: 50, 402: 150 });
    for (const a of answers.filter((x) => x.status === 200)) {
      // Finished inline (≤ 5 pages) and read: no page failed, so nothing is refunded.
      expect(a.body).toMatchObject({ status: 'done', page_count: 1 });
    }
    for (const a of answers.filter((x) => x.status === 402)) {
      expect(a.body).toMatchObject({ code: 'payment_required', detail: expect.any(String), used: 50, cap: 50 });
    }
    const me = await api(platform, 'GET', '/api/v1/account/', token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ plan: 'paid', balance: 0, used_this_period: 50 });
    // One more is refused the same way once everything settled.
    const after = await submit(platform, png, token);
    expect(after).toMatchObject({ status: 402, body: { code: 'payment_required', used: 50, cap: 50 } });
  }, 180_000);

  it(`never overspends the anonymous bucket of one IP: ${CONCURRENT} concurrent submissions on ${ANON_DAILY_PAGES} pages → ${ANON_DAILY_PAGES} done, the rest 402`, async () => {
    const answers = await Promise.all(Array.from({ length: CONCURRENT }, () => submit(platform, png)));

    expect(tally(answers)).toEqual({ 200: ANON_DAILY_PAGES, 402: CONCURRENT - ANON_DAILY_PAGES });
    for (const a of answers.filter((x) => x.status === 200)) expect(a.body).toMatchObject({ status: 'done', page_count: 1 });
    for (const a of answers.filter((x) => x.status === 402)) {
      expect(a.body).toMatchObject({ code: 'payment_required', used: ANON_DAILY_PAGES, cap: ANON_DAILY_PAGES });
    }
    const after = await submit(platform, png);
    expect(after).toMatchObject({ status: 402, body: { used: ANON_DAILY_PAGES, cap: ANON_DAILY_PAGES } });
  }, 180_000);

  it('the account page: sign up (token shown once), 409 on the same e-mail, issue a token, revoke it → 401 everywhere', async () => {
    const email = `e2e-signup-${Date.now().toString(36)}@example.com`;
    const created = await api(platform, 'POST', '/api/v1/accounts/', undefined, { email });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      account: { email, plan: 'free', balance: 0, used_this_period: 0, period_cap: 100 },
      token: expect.stringMatching(/^ocr_/),
      token_id: expect.any(String),
    });
    const first = created.body.token as string;

    const again = await api(platform, 'POST', '/api/v1/accounts', undefined, { email: email.toUpperCase() });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'conflict', detail: expect.any(String) });
    expect((await api(platform, 'POST', '/api/v1/accounts/', undefined, { email: 'not-an-address' })).status).toBe(400);

    const issued = await api(platform, 'POST', '/api/v1/account/tokens/', first, { label: 'laptop' });
    expect(issued.status).toBe(201);
    const laptop = issued.body.token as string;

    // The laptop token works: a page is read and counted on the free account.
    const job = await submit(platform, png, laptop);
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ status: 'done' });
    expect(String(job.body.text)).toContain('42'); // the page was really read
    const me = await api(platform, 'GET', '/api/v1/account', laptop);
    expect(me.body).toMatchObject({ email, plan: 'free', used_this_period: 1, period_cap: 100 });

    const revoked = await api(platform, 'DELETE', `/api/v1/account/tokens/${issued.body.token_id as string}/`, first);
    expect(revoked.status).toBe(204);

    const uuid = job.body.uuid as string;
    const attempts: [string, () => Promise<Answer>][] = [
      ['POST /api/v1/ocr/', () => submit(platform, png, laptop)],
      ['GET /api/v1/ocr/<uuid>/', () => api(platform, 'GET', `/api/v1/ocr/${uuid}/`, laptop)],
      ['GET /api/v1/ocr/<uuid>/download/', () => api(platform, 'GET', `/api/v1/ocr/${uuid}/download/?format=txt`, laptop)],
      ['GET /api/v1/account/', () => api(platform, 'GET', '/api/v1/account/', laptop)],
      ['POST /api/v1/account/tokens/', () => api(platform, 'POST', '/api/v1/account/tokens/', laptop, {})],
      ['DELETE /api/v1/account/tokens/<id>/', () => api(platform, 'DELETE', `/api/v1/account/tokens/${created.body.token_id as string}/`, laptop)],
      ['GET /api/v1/account/?api_token=', () => api(platform, 'GET', `/api/v1/account/?api_token=${laptop}`)],
    ];
    for (const [what, attempt] of attempts) {
      const res = await attempt();
      expect({ what, status: res.status, code: res.body.code }).toEqual({ what, status: 401, code: 'unauthorized' });
    }
    // The account's first token still works, and sees the job.
    expect((await api(platform, 'GET', `/api/v1/ocr/${uuid}/`, first)).status).toBe(200);
    expect((await api(platform, 'DELETE', `/api/v1/account/tokens/${created.body.token_id as string}x/`, first)).status).toBe(404);
  }, 120_000);
});

import { status } from '@grpc/grpc-js';
import { INestApplication, ValidationPipe } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { billingV1 } from '@ocr/proto';
import { firstValueFrom } from 'rxjs';
import request from 'supertest';
import { AccountController } from '../src/account/account.controller';
import { AccountService } from '../src/account/account.service';
import { AuthGuard } from '../src/auth/auth.guard';
import { BILLING_CLIENT, BillingRepository } from '../src/billing/billing.repository';
import { HttpExceptionFilter } from '../src/common/http-exception.filter';
import { GATEWAY_CONFIG, loadGatewayConfig } from '../src/config/gateway.config';
import { DownloadController } from '../src/export/download.controller';
import { DownloadService } from '../src/export/download.service';
import { ExportRepository } from '../src/export/export.repository';
import { JobWaiter } from '../src/jobs/job-waiter.service';
import { JobController } from '../src/jobs/job.controller';
import { DOCUMENT_INSPECTOR, LANGUAGE_CATALOG, TASK_QUEUE, UPLOAD_STORE } from '../src/jobs/job.ports';
import { JobRepository } from '../src/jobs/job.repository';
import { JobService } from '../src/jobs/job.service';
import { ToolCatalog } from '../src/tools/tool.catalog';
import { FakeDocumentInspector, FakeLanguageCatalog, FakeTaskQueue, InMemoryUploadStore } from './fake-job.ports';
import { InMemoryBillingGrpc } from './in-memory-billing.grpc';
import { InMemoryJobRepository } from './in-memory-job.repository';

/**
 * The account page and metering over HTTP (spec/API.md): sign-up, the account, issuing and
 * revoking tokens, and the 401/402/400 answers of `POST /api/v1/ocr/`. Controllers, guard,
 * validation, `AccountService`, `JobService`, `BillingRepository` and the exception filter are the
 * real ones; billing is an in-memory gRPC service with the status codes apps/billing documents,
 * and the job store, queue and uploads are in memory. Jobs are not waited for (INLINE_MAX_PAGES=0).
 */
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function boot(env: Record<string, string> = {}): Promise<{ app: INestApplication; billing: InMemoryBillingGrpc }> {
  const billing = new InMemoryBillingGrpc();
  const moduleRef = await Test.createTestingModule({
    controllers: [AccountController, JobController, DownloadController],
    providers: [
      { provide: GATEWAY_CONFIG, useValue: loadGatewayConfig({ DATABASE_URL: 'postgres://unused/unused', INLINE_MAX_PAGES: '0', ...env }) },
      { provide: BILLING_CLIENT, useValue: billing.client() },
      BillingRepository,
      AuthGuard,
      AccountService,
      JobService,
      JobWaiter,
      ToolCatalog,
      DownloadService,
      { provide: JobRepository, useValue: new InMemoryJobRepository() },
      { provide: TASK_QUEUE, useValue: new FakeTaskQueue() },
      { provide: DOCUMENT_INSPECTOR, useValue: new FakeDocumentInspector() },
      { provide: UPLOAD_STORE, useValue: new InMemoryUploadStore() },
      { provide: LANGUAGE_CATALOG, useValue: new FakeLanguageCatalog() },
      { provide: ExportRepository, useValue: { render: jest.fn() } },
      { provide: APP_FILTER, useClass: HttpExceptionFilter },
    ],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  app.useGlobalPipes(new ValidationPipe({ transform: true, whitelist: true }));
  await app.init();
  return { app, billing };
}

function fakePdf(pages: number): Buffer {
  return Buffer.from(`%FAKE-PDF pages=${pages}\n…`);
}

function expectErrorBody(body: unknown, code: string): void {
  expect(body).toMatchObject({ code, detail: expect.any(String) });
  expect((body as { detail: string }).detail.length).toBeGreaterThan(0);
}

describe('gateway account page and metering over HTTP', () => {
  let app: INestApplication;
  let billing: InMemoryBillingGrpc;

  beforeAll(async () => {
    ({ app, billing } = await boot({ SIGNUP_RATE_LIMIT: '0' }));
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(() => {
    billing.terms.anonymousDaily = 10;
    billing.anonymousUsed.clear();
    billing.failures.length = 0;
  });

  function http() {
    return request(app.getHttpServer());
  }

  let n = 0;
  async function signUp(): Promise<{ token: string; token_id: string; account: { id: string; email: string } }> {
    const res = await http().post('/api/v1/accounts/').send({ email: `reader${++n}@example.com` });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function paidAccount(credits: number): Promise<string> {
    const res = await firstValueFrom(
      billing
        .client()
        .getService<billingV1.BillingServiceClient>(billingV1.BILLING_SERVICE_NAME)
        .createAccount({ email: `paid${++n}@example.com`, plan: billingV1.Plan.PLAN_PAID, initial_credits: credits }),
    );
    return res.token;
  }

  describe(`${AccountController.name}: sign-up`, () => {
    it.each(['/api/v1/accounts/', '/api/v1/accounts'])('POST %s opens a free account and shows its token once (201)', async (path) => {
      const res = await http().post(path).send({ email: `  New.Reader${++n}@Example.com ` });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        account: {
          id: expect.stringMatching(UUID_RE),
          email: `new.reader${n}@example.com`,
          plan: 'free',
          balance: 0,
          used_this_period: 0,
          period_cap: 100,
          max_pages_per_file: 50,
          created_at: expect.any(String),
        },
        token: expect.stringMatching(/^ocr_[A-Za-z0-9_-]{43}$/),
        token_id: expect.stringMatching(UUID_RE),
      });

      const me = await http().get('/api/v1/account/').set('Authorization', `Bearer ${res.body.token}`);
      expect(me.status).toBe(200);
      expect(me.body).toEqual(res.body.account);
    });

    it('answers an e-mail already in use (in any case) with 409 and the contract error body', async () => {
      const first = await signUp();
      const res = await http().post('/api/v1/accounts/').send({ email: first.account.email.toUpperCase() });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ code: 'conflict', detail: 'An account with this e-mail address already exists.' });
    });

    it.each([
      ['no email', {}],
      ['an empty email', { email: '' }],
      ['not an e-mail address', { email: 'reader-at-example.com' }],
      ['a number', { email: 42 }],
      ['an address over 254 characters', { email: `${'a'.repeat(250)}@example.com` }],
    ])('refuses %s with 400 before billing is asked', async (_what, body) => {
      const before = billing.accounts.size;
      const res = await http().post('/api/v1/accounts/').send(body);
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 'bad_request');
      expect(res.body.detail).toContain('email');
      expect(billing.accounts.size).toBe(before);
    });

    it('opens a free account with no credits whatever else the body asks for', async () => {
      const res = await http().post('/api/v1/accounts/').send({ email: `greedy${++n}@example.com`, plan: 'paid', initial_credits: 1_000_000, balance: 5 });
      expect(res.status).toBe(201);
      expect(res.body.account).toMatchObject({ plan: 'free', balance: 0 });
    });

    it('needs no token, and ignores an invalid one (sign-up is for people without an account)', async () => {
      const res = await http().post('/api/v1/accounts/').set('Authorization', 'Bearer nope').send({ email: `x${++n}@example.com` });
      expect(res.status).toBe(201);
    });

    it('answers 503 when billing is unreachable', async () => {
      billing.failures.push(status.UNAVAILABLE);
      const res = await http().post('/api/v1/accounts/').send({ email: `y${++n}@example.com` });
      expect(res.status).toBe(503);
      expectErrorBody(res.body, 'unavailable');
    });
  });

  describe(`${AccountController.name}: the account`, () => {
    it.each(['/api/v1/account/', '/api/v1/account'])('GET %s shows plan, balance, usage this period and its cap', async (path) => {
      const token = await paidAccount(7);
      const res = await http().get(path).set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ plan: 'paid', balance: 7, used_this_period: 0, period_cap: 0, max_pages_per_file: 2000 });
    });

    it('answers GET /api/v1/account/ without a token with 401', async () => {
      const res = await http().get('/api/v1/account/');
      expect(res.status).toBe(401);
      expectErrorBody(res.body, 'unauthorized');
    });

    it('shows usage that submissions consumed', async () => {
      const { token } = await signUp();
      for (let i = 0; i < 2; i++) {
        const sub = await http().post('/api/v1/ocr/').set('Authorization', `Bearer ${token}`).attach('file', fakePdf(3), 'scan.pdf');
        expect(sub.status).toBe(200);
      }
      const res = await http().get(`/api/v1/account/?api_token=${token}`);
      expect(res.body).toMatchObject({ plan: 'free', used_this_period: 6, period_cap: 100 });
    });
  });

  describe(`${AccountController.name}: tokens`, () => {
    it.each(['/api/v1/account/tokens/', '/api/v1/account/tokens'])('POST %s issues another working token, shown once (201)', async (path) => {
      const first = await signUp();
      const res = await http().post(path).set('Authorization', `Bearer ${first.token}`).send({ label: 'laptop' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ token: expect.stringMatching(/^ocr_/), token_id: expect.stringMatching(UUID_RE), label: 'laptop' });
      expect(res.body.token).not.toBe(first.token);

      for (const token of [first.token, res.body.token]) {
        const me = await http().get('/api/v1/account/').set('Authorization', `Bearer ${token}`);
        expect(me.status).toBe(200);
        expect(me.body.id).toBe(first.account.id);
      }
    });

    it('issues a token without a body (no label)', async () => {
      const { token } = await signUp();
      const res = await http().post('/api/v1/account/tokens/').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(201);
      expect(res.body.label).toBe('');
    });

    it.each([
      ['an empty label', { label: '' }],
      ['a label over 100 characters', { label: 'x'.repeat(101) }],
      ['a label that is not a string', { label: 7 }],
      ['a label with control characters', { label: 'lap\ntop' }],
    ])('refuses %s with 400', async (_what, body) => {
      const { token } = await signUp();
      const before = billing.tokens.size;
      const res = await http().post('/api/v1/account/tokens/').set('Authorization', `Bearer ${token}`).send(body);
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 'bad_request');
      expect(res.body.detail).toContain('label');
      expect(billing.tokens.size).toBe(before);
    });

    it('answers an anonymous token request with 401', async () => {
      const res = await http().post('/api/v1/account/tokens/').send({ label: 'x' });
      expect(res.status).toBe(401);
      expectErrorBody(res.body, 'unauthorized');
    });

    it.each(['/', ''])('DELETE /api/v1/account/tokens/<id>%s revokes: 204, and the token is 401 on every endpoint at once', async (slash) => {
      const first = await signUp();
      const laptop = (await http().post('/api/v1/account/tokens/').set('Authorization', `Bearer ${first.token}`).send({ label: 'laptop' })).body;
      const job = await http().post('/api/v1/ocr/').set('Authorization', `Bearer ${laptop.token}`).attach('file', fakePdf(1), 'a.pdf');
      expect(job.status).toBe(200);

      const res = await http().delete(`/api/v1/account/tokens/${laptop.token_id}${slash}`).set('Authorization', `Bearer ${first.token}`);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');

      const endpoints = [
        () => http().get('/api/v1/account/'),
        () => http().post('/api/v1/account/tokens/').send({ label: 'again' }),
        () => http().delete(`/api/v1/account/tokens/${first.token_id}/`),
        () => http().post('/api/v1/ocr/').attach('file', fakePdf(1), 'a.pdf'),
        () => http().get(`/api/v1/ocr/${job.body.uuid}/`),
        () => http().get(`/api/v1/ocr/${job.body.uuid}/download/?format=txt`),
      ];
      for (const send of endpoints) {
        const byHeader = await send().set('Authorization', `Bearer ${laptop.token}`);
        expect(byHeader.status).toBe(401);
        expectErrorBody(byHeader.body, 'unauthorized');
        const byQuery = await send().query({ api_token: laptop.token });
        expect(byQuery.status).toBe(401);
      }
      // The other token of the account is untouched.
      const me = await http().get('/api/v1/account/').set('Authorization', `Bearer ${first.token}`);
      expect(me.status).toBe(200);
    });

    it('revokes the token in use: the same request succeeds, the next one is 401', async () => {
      const { token, token_id } = await signUp();
      expect((await http().delete(`/api/v1/account/tokens/${token_id}/`).set('Authorization', `Bearer ${token}`)).status).toBe(204);
      expect((await http().get('/api/v1/account/').set('Authorization', `Bearer ${token}`)).status).toBe(401);
    });

    it('answers revoking a revoked token again with 204 (DELETE is idempotent)', async () => {
      const first = await signUp();
      const laptop = (await http().post('/api/v1/account/tokens/').set('Authorization', `Bearer ${first.token}`)).body;
      for (let i = 0; i < 2; i++) {
        const res = await http().delete(`/api/v1/account/tokens/${laptop.token_id}/`).set('Authorization', `Bearer ${first.token}`);
        expect(res.status).toBe(204);
      }
    });

    it.each([
      ['an unknown token id', '7d5e1f00-0000-4000-8000-00000000abcd'],
      ['a token id that is not a uuid', 'not-a-token'],
    ])('answers %s with 404', async (_what, id) => {
      const { token } = await signUp();
      const res = await http().delete(`/api/v1/account/tokens/${id}/`).set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(404);
      expectErrorBody(res.body, 'not_found');
    });

    it('answers revoking another account’s token with 404, and that token keeps working', async () => {
      const alice = await signUp();
      const bob = await signUp();
      const res = await http().delete(`/api/v1/account/tokens/${bob.token_id}/`).set('Authorization', `Bearer ${alice.token}`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ code: 'not_found', detail: 'No such token.' });
      expect((await http().get('/api/v1/account/').set('Authorization', `Bearer ${bob.token}`)).status).toBe(200);
    });

    it('answers an anonymous revoke with 401', async () => {
      const { token_id } = await signUp();
      const res = await http().delete(`/api/v1/account/tokens/${token_id}/`);
      expect(res.status).toBe(401);
    });
  });

  describe(`${JobController.name}: metering through billing`, () => {
    it('accepts a paid account’s pages up to its credits, then answers 402 with used and cap', async () => {
      const token = await paidAccount(3);
      const accepted = await http().post('/api/v1/ocr/').set('Authorization', `Bearer ${token}`).attach('file', fakePdf(2), 'a.pdf');
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({ status: 'pending', page_count: 2 });

      const refused = await http().post('/api/v1/ocr/').set('Authorization', `Bearer ${token}`).attach('file', fakePdf(2), 'b.pdf');
      expect(refused.status).toBe(402);
      expect(refused.body).toEqual({ code: 'payment_required', detail: 'Not enough credits.', used: 2, cap: 3 });

      const last = await http().post('/api/v1/ocr/').set('Authorization', `Bearer ${token}`).attach('file', fakePdf(1), 'c.pdf');
      expect(last.status).toBe(200);
      const me = await http().get('/api/v1/account/').set('Authorization', `Bearer ${token}`);
      expect(me.body).toMatchObject({ balance: 0, used_this_period: 3 });
    });

    it('answers an anonymous caller over its daily allowance with 402, used and cap', async () => {
      billing.terms.anonymousDaily = 3;
      for (let i = 0; i < 3; i++) expect((await http().post('/api/v1/ocr/').attach('file', fakePdf(1), 'a.pdf')).status).toBe(200);
      const res = await http().post('/api/v1/ocr/').attach('file', fakePdf(1), 'a.pdf');
      expect(res.status).toBe(402);
      expect(res.body).toMatchObject({ code: 'payment_required', used: 3, cap: 3 });
      expect(res.body.detail).toContain('daily allowance');
    });

    it('answers a file over the plan’s per-file page cap with 400 too_many_pages naming the limit', async () => {
      const res = await http().post('/api/v1/ocr/').attach('file', fakePdf(6), 'long.pdf');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ code: 'too_many_pages', detail: 'The file has 6 pages; the anonymous plan allows at most 5 pages per file.' });
      expect(billing.anonymousUsed.size).toBe(0);
    });

    it('answers an anonymous submission with 401 when anonymous use is off', async () => {
      billing.terms.anonymousDaily = 0;
      const res = await http().post('/api/v1/ocr/').attach('file', fakePdf(1), 'a.pdf');
      expect(res.status).toBe(401);
      expectErrorBody(res.body, 'unauthorized');
      expect(res.body.detail).toContain('Anonymous use is disabled');
    });

    it('answers 503 when billing is unreachable at reservation', async () => {
      billing.failures.push(status.UNAVAILABLE);
      const res = await http().post('/api/v1/ocr/').attach('file', fakePdf(1), 'a.pdf');
      expect(res.status).toBe(503);
      expectErrorBody(res.body, 'unavailable');
    });
  });
});

describe('gateway sign-up with SIGNUP_ENABLED=false', () => {
  let app: INestApplication;
  let billing: InMemoryBillingGrpc;

  beforeAll(async () => {
    ({ app, billing } = await boot({ SIGNUP_ENABLED: 'false' }));
  });

  afterAll(async () => {
    await app.close();
  });

  it('answers POST /api/v1/accounts/ with 403 and opens no account', async () => {
    const res = await request(app.getHttpServer()).post('/api/v1/accounts/').send({ email: 'someone@example.com' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ code: 'forbidden', detail: 'Sign-up is disabled on this server; ask its operator for an account.' });
    expect(billing.accounts.size).toBe(0);
  });
});

describe('gateway sign-up with SIGNUP_RATE_LIMIT=2', () => {
  let app: INestApplication;
  let billing: InMemoryBillingGrpc;

  beforeAll(async () => {
    ({ app, billing } = await boot({ SIGNUP_RATE_LIMIT: '2' }));
  });

  afterAll(async () => {
    await app.close();
  });

  it('answers the third sign-up of one IP within the hour with 429 and opens no account', async () => {
    const http = () => request(app.getHttpServer());
    for (const email of ['one@example.com', 'one@example.com']) {
      expect([201, 409]).toContain((await http().post('/api/v1/accounts/').send({ email })).status);
    }
    const res = await http().post('/api/v1/accounts/').send({ email: 'three@example.com' });
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ code: 'rate_limited', detail: expect.stringContaining('Too many sign-ups'), retry_after: expect.any(Number) });
    expect(res.body.retry_after).toBeGreaterThan(3590);
    expect([...billing.accounts.values()].map((a) => a.email)).toEqual(['one@example.com']);
  });
});

import { INestApplication, Logger, ValidationPipe } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { MulterModule, type NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import type { JobDocument } from '@ocr/documents';
import request from 'supertest';
import { AuthGuard } from '../src/auth/auth.guard';
import { BillingRepository, Caller } from '../src/billing/billing.repository';
import { DomainError } from '../src/common/domain-error';
import { HttpExceptionFilter } from '../src/common/http-exception.filter';
import { DownloadController } from '../src/export/download.controller';
import { DownloadService } from '../src/export/download.service';
import { ExportRepository, RenderedFile } from '../src/export/export.repository';
import { HealthController } from '../src/health/health.controller';
import { HealthService } from '../src/health/health.service';
import { JobController } from '../src/jobs/job.controller';
import { JobService } from '../src/jobs/job.service';
import { ToolController } from '../src/tools/tool.controller';
import { ToolCatalog } from '../src/tools/tool.catalog';
import { account } from './fake-billing.repository';

/**
 * The gateway's HTTP contract (spec/API.md) at the controller edge: routes with and without their
 * trailing slash, validation, auth, status codes and the `{detail, code}` error body. The job
 * service, billing and the export service are mocked; controllers, guard, pipes, the download
 * service and the exception filter are the real ones.
 */
const UUID = '9f2c1b7e-3d4a-4b5c-8d6e-7f8091a2b3c4';
const TOKEN = 'ocr_live_known_token';
const ALICE = account({ id: '0a11ce00-0000-4000-8000-000000000001' });

function jobDocument(overrides: Partial<JobDocument> = {}): JobDocument {
  return {
    uuid: UUID,
    status: 'done',
    tier: 'cpu',
    language: 'auto',
    tool: null,
    page_count: 1,
    pages_done: 1,
    mean_confidence: 0.98,
    text: 'INVOICE',
    markdown: '# INVOICE',
    pages: [],
    error: null,
    created_at: '2026-11-25T10:00:00.000Z',
    finished_at: '2026-11-25T10:00:01.000Z',
    ...overrides,
  };
}

async function* bytes(...parts: string[]): AsyncIterable<Buffer> {
  for (const p of parts) yield Buffer.from(p);
}

/** The upload limit of this test's app (the gateway's MAX_UPLOAD_BYTES). */
const UPLOAD_LIMIT = 64 * 1024;

describe('gateway HTTP contract', () => {
  let app: INestApplication;
  let filterLogger: Logger;
  const jobs = {
    submit: jest.fn<ReturnType<JobService['submit']>, Parameters<JobService['submit']>>(),
    get: jest.fn<ReturnType<JobService['get']>, Parameters<JobService['get']>>(),
    getJson: jest.fn<ReturnType<JobService['getJson']>, Parameters<JobService['getJson']>>(),
  };
  const billing = { authenticate: jest.fn<ReturnType<BillingRepository['authenticate']>, Parameters<BillingRepository['authenticate']>>() };
  const exporter = { render: jest.fn<Promise<RenderedFile>, Parameters<ExportRepository['render']>>() };

  beforeAll(async () => {
    const filter = new HttpExceptionFilter();
    filterLogger = filter['logger'];
    const moduleRef = await Test.createTestingModule({
      imports: [MulterModule.register({ limits: { fileSize: UPLOAD_LIMIT, files: 1 } })],
      controllers: [JobController, DownloadController, ToolController, HealthController],
      providers: [
        AuthGuard,
        ToolCatalog,
        DownloadService,
        { provide: JobService, useValue: jobs },
        { provide: BillingRepository, useValue: billing },
        { provide: ExportRepository, useValue: exporter },
        { provide: HealthService, useValue: { readiness: async () => ({ status: 'ok', checks: {} }) } },
        { provide: APP_FILTER, useValue: filter },
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
    app.useGlobalPipes(new ValidationPipe({ transform: true, whitelist: true }));
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(() => {
    jest.resetAllMocks();
    billing.authenticate.mockImplementation(async (token) => {
      if (token === TOKEN) return ALICE;
      throw new DomainError('unauthorized', 'Invalid API token.');
    });
    jobs.get.mockResolvedValue(jobDocument());
    jobs.getJson.mockResolvedValue(Buffer.from(JSON.stringify(jobDocument())));
  });

  function http() {
    return request(app.getHttpServer());
  }

  function expectErrorBody(body: unknown, code: string): void {
    expect(body).toMatchObject({ code, detail: expect.any(String) });
    expect((body as { detail: string }).detail.length).toBeGreaterThan(0);
  }

  describe(JobController.name, () => {
    it.each(['/api/v1/ocr/', '/api/v1/ocr'])('POST %s with a file answers 200 with the job', async (path) => {
      jobs.submit.mockResolvedValue(jobDocument());
      const res = await http()
        .post(path)
        .set('Authorization', `Bearer ${TOKEN}`)
        .attach('file', Buffer.from('%PDF-1.7 fake'), 'invoice.pdf')
        .field('tier', 'cpu')
        .field('language', 'en')
        .field('not_a_field', 'dropped');

      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body).toMatchObject({ uuid: UUID, status: 'done', text: 'INVOICE' });
      expect(jobs.submit).toHaveBeenCalledTimes(1);
      const [file, dto, caller, signal] = jobs.submit.mock.calls[0]!;
      expect(file!.buffer.toString()).toBe('%PDF-1.7 fake');
      expect(file!.originalname).toBe('invoice.pdf');
      expect(file!.size).toBe(13);
      expect({ ...dto }).toEqual({ tier: 'cpu', language: 'en' });
      expect(caller.account).toEqual(ALICE);
      expect(signal).toBeInstanceOf(AbortSignal);
      expect(billing.authenticate).toHaveBeenCalledWith(TOKEN);
    });

    it('passes no file on to the service, whose no_file becomes 400 {detail, code}', async () => {
      jobs.submit.mockImplementation(async (file) => {
        if (!file) throw new DomainError('no_file', 'No file: send the document in the multipart field "file".');
        throw new Error('unexpected file');
      });
      const res = await http().post('/api/v1/ocr/').field('tier', 'cpu');
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 'no_file');
      expect(jobs.submit.mock.calls[0]![0]).toBeUndefined();
    });

    it('answers a file sent in another multipart field with 400 naming the field to use', async () => {
      const res = await http().post('/api/v1/ocr/').attach('document', Buffer.from('%PDF-1.7 fake'), 'invoice.pdf');
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 'bad_request');
      expect(res.body.detail).toBe('Unexpected file field "document": send the document in the multipart field "file".');
      expect(jobs.submit).not.toHaveBeenCalled();
    });

    it('refuses tier=gpu with 400 before the service is called', async () => {
      const res = await http().post('/api/v1/ocr/').attach('file', Buffer.from('x'), 'a.png').field('tier', 'gpu');
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 'bad_request');
      expect(res.body.detail).toContain('tier must be one of: cpu, vlm');
      expect(jobs.submit).not.toHaveBeenCalled();
    });

    it('refuses a malformed language code with 400', async () => {
      const res = await http().post('/api/v1/ocr/').attach('file', Buffer.from('x'), 'a.png').field('language', '../etc');
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 'bad_request');
      expect(jobs.submit).not.toHaveBeenCalled();
    });

    it('answers 402 with used and cap when the service says payment_required', async () => {
      jobs.submit.mockRejectedValue(new DomainError('payment_required', 'Out of pages.', { used: 3, cap: 3 }));
      const res = await http().post('/api/v1/ocr/').attach('file', Buffer.from('x'), 'a.png');
      expect(res.status).toBe(402);
      expect(res.body).toEqual({ detail: 'Out of pages.', code: 'payment_required', used: 3, cap: 3 });
    });

    it('answers an unknown Bearer token with 401, never as anonymous', async () => {
      const res = await http().post('/api/v1/ocr/').set('Authorization', 'Bearer x').attach('file', Buffer.from('x'), 'a.png');
      expect(res.status).toBe(401);
      expectErrorBody(res.body, 'unauthorized');
      expect(billing.authenticate).toHaveBeenCalledWith('x');
      expect(jobs.submit).not.toHaveBeenCalled();
    });

    it.each(['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer two tokens', 'Token abc'])('answers the Authorization header "%s" with 401', async (header) => {
      const res = await http().get(`/api/v1/ocr/${UUID}/`).set('Authorization', header);
      expect(res.status).toBe(401);
      expectErrorBody(res.body, 'unauthorized');
      expect(billing.authenticate).not.toHaveBeenCalled();
      expect(jobs.getJson).not.toHaveBeenCalled();
    });

    it('accepts the token as ?api_token=', async () => {
      const res = await http().get(`/api/v1/ocr/${UUID}/?api_token=${TOKEN}`);
      expect(res.status).toBe(200);
      expect(billing.authenticate).toHaveBeenCalledWith(TOKEN);
      expect(jobs.getJson.mock.calls[0]![1].account).toEqual(ALICE);
    });

    it('answers an unknown ?api_token= with 401', async () => {
      const res = await http().get(`/api/v1/ocr/${UUID}/?api_token=nope`);
      expect(res.status).toBe(401);
      expectErrorBody(res.body, 'unauthorized');
    });

    it('treats a request without any token as anonymous, keyed by its client IP', async () => {
      const res = await http().get(`/api/v1/ocr/${UUID}`);
      expect(res.status).toBe(200);
      const caller: Caller = jobs.getJson.mock.calls[0]![1];
      expect(caller.account).toBeNull();
      expect(caller.clientIp).toMatch(/127\.0\.0\.1|::1/);
      expect(billing.authenticate).not.toHaveBeenCalled();
    });

    it.each([`/api/v1/ocr/${UUID}/`, `/api/v1/ocr/${UUID}`, `/api/v1/ocr/${UUID.toUpperCase()}/`])('GET %s answers 200 with the job', async (path) => {
      const res = await http().get(path);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.body).toMatchObject({ uuid: UUID, status: 'done' });
      expect(jobs.getJson.mock.calls[0]![0]).toBe(UUID);
    });

    it('answers a job id that is not a uuid with 404 not_found', async () => {
      const res = await http().get('/api/v1/ocr/not-a-uuid');
      expect(res.status).toBe(404);
      expectErrorBody(res.body, 'not_found');
      expect(jobs.getJson).not.toHaveBeenCalled();
    });

    it('answers someone else’s job (not_found from the service) with 404, not 403', async () => {
      jobs.getJson.mockRejectedValue(new DomainError('not_found', 'No such job.'));
      const res = await http().get(`/api/v1/ocr/${UUID}/`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ detail: 'No such job.', code: 'not_found' });
    });

    it('answers an unexpected failure with 500 and an error id that is also logged', async () => {
      const logged = jest.spyOn(filterLogger, 'error').mockImplementation(() => undefined);
      try {
        jobs.getJson.mockRejectedValue(new Error('connection terminated unexpectedly'));
        const res = await http().get(`/api/v1/ocr/${UUID}/`);
        expect(res.status).toBe(500);
        expect(res.body).toMatchObject({ code: 'internal', error_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
        expect(res.body.detail).toContain(res.body.error_id);
        expect(res.body.detail).not.toContain('connection terminated');
        expect(logged).toHaveBeenCalledTimes(1);
        expect(logged.mock.calls[0]![0]).toMatchObject({
          error_id: res.body.error_id,
          method: 'GET',
          err: { message: 'connection terminated unexpectedly' },
        });
      } finally {
        logged.mockRestore();
      }
    });
  });

  describe(DownloadController.name, () => {
    it.each([`/api/v1/ocr/${UUID}/download/?format=md`, `/api/v1/ocr/${UUID}/download?format=md`])('GET %s streams the rendered file', async (path) => {
      exporter.render.mockResolvedValue({ contentType: 'text/markdown; charset=utf-8', fileName: 'invoice.md', chunks: bytes('# INVOICE', '\n') });
      const res = await http().get(path).set('Authorization', `Bearer ${TOKEN}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/markdown; charset=utf-8');
      expect(res.headers['content-disposition']).toBe('attachment; filename="invoice.md"');
      expect(res.text).toBe('# INVOICE\n');
      expect(exporter.render).toHaveBeenCalledWith(expect.objectContaining({ uuid: UUID }), 'md');
    });

    it('cuts the connection, instead of leaving it hanging, when the export stream breaks midway', async () => {
      const logged = jest.spyOn(filterLogger, 'error').mockImplementation(() => undefined);
      try {
        exporter.render.mockResolvedValue({
          contentType: 'application/pdf',
          fileName: 'invoice.pdf',
          chunks: (async function* () {
            yield Buffer.from('%PDF-1.7 first part');
            throw new Error('export service: stream reset');
          })(),
        });
        const outcome = await http()
          .get(`/api/v1/ocr/${UUID}/download/?format=pdf`)
          .timeout(5_000)
          .then(
            (res) => `status ${res.status}`,
            (e: Error & { code?: string; timeout?: number }) => (e.timeout ? 'hung' : 'connection cut'),
          );
        expect(outcome).toBe('connection cut');
      } finally {
        logged.mockRestore();
      }
    });

    it('answers an unknown format with 400 naming the known ones', async () => {
      const res = await http().get(`/api/v1/ocr/${UUID}/download/?format=exe`);
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 'bad_parameter');
      expect(res.body.detail).toContain('txt, md, docx, pdf, csv, json');
      expect(exporter.render).not.toHaveBeenCalled();
    });

    it('answers a repeated format parameter with 400', async () => {
      const res = await http().get(`/api/v1/ocr/${UUID}/download/?format=md&format=txt`);
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 'bad_parameter');
    });

    it.each(['pending', 'processing', 'failed'] as const)('answers a download of a %s job with 409', async (status) => {
      jobs.get.mockResolvedValue(jobDocument({ status }));
      const res = await http().get(`/api/v1/ocr/${UUID}/download/?format=pdf`);
      expect(res.status).toBe(409);
      expectErrorBody(res.body, 'not_ready');
      expect(exporter.render).not.toHaveBeenCalled();
    });

    it('answers a download of a non-uuid job with 404', async () => {
      const res = await http().get('/api/v1/ocr/nope/download/?format=txt');
      expect(res.status).toBe(404);
      expectErrorBody(res.body, 'not_found');
    });
  });

  describe(ToolController.name, () => {
    it.each(['/api/v1/tools/', '/api/v1/tools'])('GET %s lists the tool presets', async (path) => {
      const res = await http().get(path);
      expect(res.status).toBe(200);
      const slugs = (res.body.tools as { slug: string }[]).map((t) => t.slug);
      expect(slugs).toEqual(expect.arrayContaining(['extract-tables', 'handwriting-to-text', 'translate']));
    });
  });

  describe(HealthController.name, () => {
    it('GET /health/live answers 200', async () => {
      const res = await http().get('/health/live');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
    });
  });

  describe(HttpExceptionFilter.name, () => {
    it('answers an unknown route with a 404 JSON body', async () => {
      const res = await http().get('/api/v1/nothing-here/');
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expectErrorBody(res.body, 'not_found');
    });

    it('answers an upload cut off at the upload limit with the contract’s 400 file_too_large', async () => {
      const res = await http().post('/api/v1/ocr/').attach('file', Buffer.alloc(UPLOAD_LIMIT + 1), 'big.pdf');
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 'file_too_large');
      expect(jobs.submit).not.toHaveBeenCalled();
    });

    it('answers a JSON body over the body limit with 413, not with the upload’s "file too large"', async () => {
      const res = await http()
        .post('/api/v1/ocr/')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ message: 'x'.repeat(200_000) }));
      expect(res.status).toBe(413);
      expectErrorBody(res.body, 'payload_too_large');
      expect(res.body.detail).toBe('The request body is larger than this server accepts.');
    });

    it('answers a body that is not JSON, sent as JSON, with 400 saying so', async () => {
      const res = await http().post('/api/v1/ocr/').set('Content-Type', 'application/json').send('{"message":');
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 'bad_request');
      expect(res.body.detail).toMatch(/^The request body is not valid JSON \(.+\)\.$/);
    });

    it('answers a wrong method on a known path with a JSON error body', async () => {
      const res = await http().delete(`/api/v1/ocr/${UUID}/`);
      expect(res.status).toBe(404);
      expectErrorBody(res.body, 'not_found');
    });
  });
});

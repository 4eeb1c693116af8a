import { status as GrpcStatus } from '@grpc/grpc-js';
import { INestApplication, ValidationPipe } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { ClientGrpc } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import type { JobDocument } from '@ocr/documents';
import { chatV1 } from '@ocr/proto';
import { Observable, of, throwError } from 'rxjs';
import request from 'supertest';
import { account } from '../../test/fake-billing.repository';
import { AuthGuard } from '../auth/auth.guard';
import { BillingRepository, Caller } from '../billing/billing.repository';
import { DomainError } from '../common/domain-error';
import { HttpExceptionFilter } from '../common/http-exception.filter';
import { JobService } from '../jobs/job.service';
import { ChatController } from './chat.controller';
import { CHAT_CLIENT, ChatRepository } from './chat.repository';
import { ChatService } from './chat.service';

const JOB = '9f2c1b7e-3d4a-4b5c-8d6e-7f8091a2b3c4';
const PENDING_JOB = '9f2c1b7e-3d4a-4b5c-8d6e-7f8091a2b3c5';
const ALICE = account({ id: '0a11ce00-0000-4000-8000-000000000001' });
const BOB = account({ id: '0b0b0000-0000-4000-8000-000000000002' });
const TOKENS: Record<string, typeof ALICE> = { 'alice-token': ALICE, 'bob-token': BOB };

function jobDocument(uuid: string, status: JobDocument['status']): JobDocument {
  return {
    uuid,
    status,
    tier: 'cpu',
    language: 'auto',
    tool: null,
    page_count: 1,
    pages_done: status === 'done' ? 1 : 0,
    mean_confidence: 0.95,
    text: 'TOTAL 5.70',
    markdown: 'TOTAL 5.70',
    pages: [],
    error: null,
    created_at: '2026-11-25T10:00:00.000Z',
    finished_at: null,
  };
}

const grpcError = (code: number, details: string) => throwError(() => Object.assign(new Error(details), { code, details }));

/** The chat service as the gateway reaches it over gRPC: jobs it indexed, and one canned answer. */
class FakeChatClient implements chatV1.ChatServiceClient {
  indexed = new Map<string, string>();
  calls: string[] = [];
  failNext: Observable<never> | null = null;

  private fail(): Observable<never> | null {
    const f = this.failNext;
    this.failNext = null;
    return f;
  }

  ask(req: chatV1.AskRequest): Observable<chatV1.AskResponse> {
    this.calls.push(`ask ${req.job_id}`);
    const failure = this.fail();
    if (failure) return failure;
    if (this.indexed.get(req.job_id) !== req.account_id) return grpcError(GrpcStatus.NOT_FOUND, `JOB_NOT_FOUND: job ${req.job_id} is not indexed for chat`);
    if (req.message.length > 50) return grpcError(GrpcStatus.INVALID_ARGUMENT, 'INVALID_MESSAGE: message is too long; the limit is 50');
    if (req.conversation && req.conversation !== 'c0ffee00-0000-4000-8000-000000000001') {
      return grpcError(GrpcStatus.NOT_FOUND, `CONVERSATION_NOT_FOUND: conversation ${req.conversation} does not exist for this job`);
    }
    return of({
      conversation: 'c0ffee00-0000-4000-8000-000000000001',
      message: { role: 'assistant', content: 'TOTAL 5.70 (p. 1)', citations: [{ page: 1, snippet: 'TOTAL 5.70', bbox: [1, 2, 3, 4] }], created_at: '2026-11-25T10:00:02.000Z' },
    });
  }

  getHistory(req: chatV1.GetHistoryRequest): Observable<chatV1.GetHistoryResponse> {
    this.calls.push(`history ${req.job_id}`);
    if (this.indexed.get(req.job_id) !== req.account_id) return grpcError(GrpcStatus.NOT_FOUND, `JOB_NOT_FOUND: job ${req.job_id} is not indexed for chat`);
    return of({
      conversations: [
        {
          id: 'c0ffee00-0000-4000-8000-000000000001',
          created_at: '2026-11-25T10:00:01.000Z',
          messages: [
            { role: 'user', content: 'What is the total?', citations: [], created_at: '2026-11-25T10:00:01.000Z' },
            { role: 'assistant', content: 'TOTAL 5.70 (p. 1)', citations: [{ page: 1, snippet: 'TOTAL 5.70', bbox: [] }], created_at: '2026-11-25T10:00:02.000Z' },
          ],
        },
      ],
    });
  }

  indexJob(req: chatV1.IndexJobRequest): Observable<chatV1.IndexJobResponse> {
    const job = JSON.parse(req.job_json) as JobDocument;
    this.calls.push(`index ${job.uuid}`);
    this.indexed.set(job.uuid, req.account_id);
    return of({ chunks: 1 });
  }
}

/**
 * The chat endpoints at the HTTP edge: the real controller, guard, validation, gateway chat
 * service, gRPC repository (its error mapping) and exception filter; billing, the job service and
 * the chat service's gRPC client are fakes.
 */
describe(ChatController.name, () => {
  let app: INestApplication;
  let chat: FakeChatClient;

  beforeAll(async () => {
    chat = new FakeChatClient();
    const jobs = {
      get: async (uuid: string, caller: Caller) => {
        const owned = caller.account?.id === ALICE.id;
        if (owned && uuid === JOB) return jobDocument(JOB, 'done');
        if (owned && uuid === PENDING_JOB) return jobDocument(PENDING_JOB, 'pending');
        throw new DomainError('not_found', 'No such job.');
      },
    };
    const billing = {
      authenticate: async (token: string) => {
        if (TOKENS[token]) return TOKENS[token];
        throw new DomainError('unauthorized', 'Invalid API token.');
      },
    };
    const client: Pick<ClientGrpc, 'getService'> = { getService: <T>() => chat as unknown as T };
    const moduleRef = await Test.createTestingModule({
      controllers: [ChatController],
      providers: [
        AuthGuard,
        ChatService,
        ChatRepository,
        { provide: CHAT_CLIENT, useValue: client },
        { provide: JobService, useValue: jobs },
        { provide: BillingRepository, useValue: billing },
        { provide: APP_FILTER, useValue: new HttpExceptionFilter() },
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
    chat.indexed.clear();
    chat.calls = [];
  });

  const http = () => request(app.getHttpServer());
  const askAs = (token: string | null, body: object, path = `/api/v1/chat/${JOB}/`) => {
    const req = http().post(path).send(body);
    return token ? req.set('Authorization', `Bearer ${token}`) : req;
  };

  it.each([`/api/v1/chat/${JOB}/`, `/api/v1/chat/${JOB}`])('POST %s answers as the contract shows, indexing the job on demand', async (path) => {
    const res = await askAs('alice-token', { message: 'What is the total?' }, path);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      conversation: 'c0ffee00-0000-4000-8000-000000000001',
      message: { role: 'assistant', content: 'TOTAL 5.70 (p. 1)', citations: [{ page: 1, snippet: 'TOTAL 5.70', bbox: [1, 2, 3, 4] }] },
    });
    // Not indexed yet (the event not handled): indexed from the job document, then asked again.
    expect(chat.calls).toEqual([`ask ${JOB}`, `index ${JOB}`, `ask ${JOB}`]);
  });

  it('asks once when the job is already indexed, continuing a conversation', async () => {
    chat.indexed.set(JOB, ALICE.id);
    const res = await askAs('alice-token', { message: 'and its date?', conversation: 'c0ffee00-0000-4000-8000-000000000001' });
    expect(res.status).toBe(200);
    expect(chat.calls).toEqual([`ask ${JOB}`]);
  });

  it.each([`/api/v1/chat/${JOB}/history/`, `/api/v1/chat/${JOB}/history`])('GET %s returns every conversation, oldest first', async (path) => {
    chat.indexed.set(JOB, ALICE.id);
    const res = await http().get(path).set('Authorization', 'Bearer alice-token');
    expect(res.status).toBe(200);
    expect(res.body.uuid).toBe(JOB);
    expect(res.body.conversations).toHaveLength(1);
    expect(res.body.conversations[0].messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
  });

  it('returns an empty history for a finished job nobody asked about yet', async () => {
    const res = await http().get(`/api/v1/chat/${JOB}/history/`).set('Authorization', 'Bearer alice-token');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ uuid: JOB, conversations: [] });
  });

  it.each([
    ['an anonymous caller', null, { message: 'What is the total?' }, JOB, 401, 'unauthorized'],
    ['an unknown token', 'nope', { message: 'What is the total?' }, JOB, 401, 'unauthorized'],
    ['another account', 'bob-token', { message: 'What is the total?' }, JOB, 404, 'not_found'],
    ['a job id that is no uuid', 'alice-token', { message: 'What is the total?' }, 'not-a-uuid', 404, 'not_found'],
    ['a job not done yet', 'alice-token', { message: 'What is the total?' }, PENDING_JOB, 409, 'not_ready'],
    ['an empty message', 'alice-token', { message: '  ' }, JOB, 400, 'bad_request'],
    ['no message', 'alice-token', {}, JOB, 400, 'bad_request'],
    ['a message that is not text', 'alice-token', { message: 42 }, JOB, 400, 'bad_request'],
    ['a message over the chat service’s limit', 'alice-token', { message: 'x'.repeat(51) }, JOB, 400, 'bad_parameter'],
    ['an unknown conversation', 'alice-token', { message: 'total?', conversation: '00000000-0000-4000-8000-000000000000' }, JOB, 404, 'not_found'],
  ])('answers %s with the contract status and error body', async (_what, token, body, uuid, status, code) => {
    const res = await askAs(token, body, `/api/v1/chat/${uuid}/`);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ code, detail: expect.any(String) });
  });

  it('answers history for anonymous callers, other accounts and unfinished jobs as the contract says', async () => {
    expect((await http().get(`/api/v1/chat/${JOB}/history/`)).status).toBe(401);
    expect((await http().get(`/api/v1/chat/${JOB}/history/`).set('Authorization', 'Bearer bob-token')).status).toBe(404);
    expect((await http().get(`/api/v1/chat/${PENDING_JOB}/history/`).set('Authorization', 'Bearer alice-token')).status).toBe(409);
  });

  it.each([
    [GrpcStatus.UNAVAILABLE, 503, 'unavailable'],
    [GrpcStatus.FAILED_PRECONDITION, 409, 'not_ready'],
    [GrpcStatus.UNAUTHENTICATED, 401, 'unauthorized'],
    [GrpcStatus.INTERNAL, 500, 'internal'],
  ])('maps the chat service’s gRPC status %s to HTTP %s', async (grpc, status, code) => {
    chat.indexed.set(JOB, ALICE.id);
    chat.failNext = grpcError(grpc, 'SOMETHING: went wrong');
    const res = await askAs('alice-token', { message: 'What is the total?' });
    expect(res.status).toBe(status);
    expect(res.body.code).toBe(code);
  });
});

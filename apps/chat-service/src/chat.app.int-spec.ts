import { status } from '@grpc/grpc-js';
import { ClientGrpc, ClientProxyFactory } from '@nestjs/microservices';
import { chatV1, checkGrpcHealth, grpcClientOptions, qualifiedServiceName } from '@ocr/proto';
import { jobArtifacts } from '@ocr/documents';
import { JetStreamBus } from '@ocr/messaging';
import { createTestDatabase, freePort, natsPrefix, natsUrl, TestDatabase } from '@ocr/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import { ChatApp, startChatApp } from './chat.app';
import { loadChatConfig } from './config/chat.config';
import { receiptJob } from './testing/receipt.fixture';

describe('ChatService over gRPC on Postgres', () => {
  let db: TestDatabase;
  let sut: ChatApp;
  let url: string;
  let client: ClientGrpc & { close(): void };
  let chat: chatV1.ChatServiceClient;
  const job = receiptJob();
  const owner = 'account-owner';
  const namespace = natsPrefix('chat');
  let storageDir: string;
  let gatewayBus: JetStreamBus;

  beforeAll(async () => {
    db = await createTestDatabase('chat');
    url = `127.0.0.1:${await freePort()}`;
    storageDir = mkdtempSync(join(tmpdir(), 'chat-int-'));
    const nats = await natsUrl();
    sut = await startChatApp(
      loadChatConfig({
        CHAT_GRPC_URL: url,
        DATABASE_URL: db.url,
        NATS_URL: nats,
        NATS_NAMESPACE: namespace,
        STORAGE_URL: storageDir,
        LOG_LEVEL: 'silent',
        CHAT_MAX_MESSAGE_CHARS: '200',
      }),
    );
    gatewayBus = await JetStreamBus.connect({ servers: nats, name: 'chat-int-gateway', namespace, logger: { info() {}, warn() {}, error() {} } });
    client = ClientProxyFactory.create(grpcClientOptions('chat', url)) as unknown as ClientGrpc & { close(): void };
    chat = client.getService<chatV1.ChatServiceClient>(chatV1.CHAT_SERVICE_NAME);
    await expect(lastValueFrom(chat.indexJob({ job_json: JSON.stringify(job), account_id: owner }))).resolves.toEqual({ chunks: 11 });
  });

  afterAll(async () => {
    client?.close();
    await sut?.close();
    await gatewayBus?.deleteStreams();
    await gatewayBus?.close();
    await db?.drop();
    rmSync(storageDir, { recursive: true, force: true });
  });

  const ask = (message: string, conversation = '', account_id = owner, job_id = job.uuid) =>
    lastValueFrom(chat.ask({ job_id, account_id, message, conversation }));

  /** Asks until the answer no longer says the job is unknown (the event is indexed asynchronously). */
  async function askOnceIndexed(jobId: string, account: string): Promise<chatV1.AskResponse> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        return await ask('What is the total?', '', account, jobId);
      } catch (error) {
        if ((error as { code?: number }).code !== status.NOT_FOUND || Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  it('indexes a finished account job announced on ocr.jobs.finished, from its document in object storage', async () => {
    const announced = receiptJob('7a1d3c52-1111-4000-8000-00000000000b');
    const key = jobArtifacts.result(announced.uuid);
    await sut.store.put(key, Buffer.from(JSON.stringify(announced)));
    await gatewayBus.publishJobFinished({ job_id: announced.uuid, account_id: owner, status: 'done', page_count: 2, result_key: key });
    const res = await askOnceIndexed(announced.uuid, owner);
    expect(res.message!.citations[0]).toMatchObject({ page: 1, snippet: 'TOTAL 5.70' });
  });

  it('keeps nothing of anonymous or failed jobs announced, and survives a redelivered announcement', async () => {
    const anonymous = receiptJob('7a1d3c52-2222-4000-8000-00000000000c');
    await sut.store.put(jobArtifacts.result(anonymous.uuid), Buffer.from(JSON.stringify(anonymous)));
    await gatewayBus.publishJobFinished({ job_id: anonymous.uuid, account_id: null, status: 'done', page_count: 2, result_key: jobArtifacts.result(anonymous.uuid) });
    await gatewayBus.publishJobFinished({ job_id: '7a1d3c52-3333-4000-8000-00000000000d', account_id: owner, status: 'failed', page_count: 1 });
    // A marker published after them: once it is indexed, the two before it were handled.
    const marker = receiptJob('7a1d3c52-4444-4000-8000-00000000000e');
    await sut.store.put(jobArtifacts.result(marker.uuid), Buffer.from(JSON.stringify(marker)));
    await gatewayBus.publish('ocr.jobs.finished', { job_id: marker.uuid, account_id: owner, status: 'done', page_count: 2, result_key: jobArtifacts.result(marker.uuid) });
    await gatewayBus.publish('ocr.jobs.finished', { job_id: marker.uuid, account_id: owner, status: 'done', page_count: 2, result_key: jobArtifacts.result(marker.uuid) });
    await askOnceIndexed(marker.uuid, owner);
    const rows: { job_id: string }[] = await sut.db.query(`SELECT job_id FROM chat.jobs WHERE job_id = ANY($1)`, [
      [anonymous.uuid, '7a1d3c52-3333-4000-8000-00000000000d', marker.uuid],
    ]);
    expect(rows.map((r) => r.job_id)).toEqual([marker.uuid]);
    const [{ n }] = await sut.db.query(`SELECT count(*)::int AS n FROM chat.chunks WHERE job_id = $1`, [marker.uuid]);
    expect(n).toBe(11);
  });

  it('migrates its own schema and reports SERVING', async () => {
    await expect(checkGrpcHealth(url, qualifiedServiceName('chat'))).resolves.toBe('SERVING');
    const tables: { table_name: string }[] = await sut.db.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'chat' ORDER BY table_name`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(['chunks', 'conversations', 'jobs', 'messages', 'migrations', 'pages']);
  });

  it('answers from the page with a verbatim, boxed citation', async () => {
    const res = await ask('What is the total?');
    expect(res.conversation).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.message).toMatchObject({ role: 'assistant', citations: [{ page: 1, snippet: 'TOTAL 5.70', bbox: [50, 280, 170, 304] }] });
    expect(res.message!.content).toContain('5.70');
    expect(job.pages[0].text).toContain(res.message!.citations[0].snippet);
  });

  it('finds words on later pages through full-text search', async () => {
    const res = await ask('Are goods returnable?');
    expect(res.message!.citations[0]).toMatchObject({ page: 2, snippet: 'Goods sold are not returnable' });
  });

  it('declines a question the document cannot answer, without citations', async () => {
    const res = await ask('What is the name of the pilot?');
    expect(res.message!.citations).toEqual([]);
    expect(res.message!.content).toMatch(/could not find/i);
  });

  it('continues a conversation and returns the history oldest first', async () => {
    const first = await ask('Which company issued this receipt?');
    expect(first.message!.citations[0].snippet).toBe('SANYU STATIONERY SHOP');
    const second = await ask('and its date?', first.conversation);
    expect(second.conversation).toBe(first.conversation);
    expect(second.message!.citations[0].snippet).toBe('Date: 27/03/2018');
    const history = await lastValueFrom(chat.getHistory({ job_id: job.uuid, account_id: owner }));
    const conv = history.conversations.find((c) => c.id === first.conversation)!;
    expect(conv.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'Which company issued this receipt?'],
      ['assistant', first.message!.content],
      ['user', 'and its date?'],
      ['assistant', second.message!.content],
    ]);
    const times = history.conversations.map((c) => Date.parse(c.created_at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(history.conversations.length).toBeGreaterThanOrEqual(4);
  });

  it.each([
    ['an anonymous caller', () => ask('What is the total?', '', ''), status.UNAUTHENTICATED],
    ['another account', () => ask('What is the total?', '', 'someone-else'), status.NOT_FOUND],
    ['an unknown job', () => ask('What is the total?', '', owner, 'no-such-job'), status.NOT_FOUND],
    ['an empty message', () => ask('  '), status.INVALID_ARGUMENT],
    ['a message over the limit', () => ask('x'.repeat(201)), status.INVALID_ARGUMENT],
    ['an unknown conversation', () => ask('total?', '00000000-0000-4000-8000-000000000000'), status.NOT_FOUND],
    ['bad job JSON to index', () => lastValueFrom(chat.indexJob({ job_json: '{', account_id: owner })), status.INVALID_ARGUMENT],
  ])('answers %s with the right gRPC status', async (_what, call, code) => {
    await expect(call()).rejects.toMatchObject({ code });
  });

  it('keeps nothing of an anonymous job, and reindexing replaces the old chunks', async () => {
    await expect(lastValueFrom(chat.indexJob({ job_json: JSON.stringify(receiptJob('anon-job')), account_id: '' }))).resolves.toEqual({ chunks: 0 });
    await expect(ask('What is the total?', '', owner, 'anon-job')).rejects.toMatchObject({ code: status.NOT_FOUND });
    await lastValueFrom(chat.indexJob({ job_json: JSON.stringify(job), account_id: owner }));
    const [{ n }] = await sut.db.query(`SELECT count(*)::int AS n FROM chat.chunks WHERE job_id = $1`, [job.uuid]);
    expect(n).toBe(11);
  });
});

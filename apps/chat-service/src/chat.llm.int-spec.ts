import { ClientGrpc, ClientProxyFactory } from '@nestjs/microservices';
import { JetStreamBus } from '@ocr/messaging';
import { chatV1, grpcClientOptions } from '@ocr/proto';
import { createTestDatabase, freePort, natsPrefix, natsUrl, TestDatabase } from '@ocr/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import { ChatApp, startChatApp } from './chat.app';
import { loadChatConfig } from './config/chat.config';
import { ScriptedModelServer } from './testing/model-server.fixture';
import { receiptJob } from './testing/receipt.fixture';

/** The service configured with an OpenAI-compatible endpoint (a scripted protocol-level server, no model). */
describe('ChatService with CHAT_LLM_URL, over gRPC on Postgres', () => {
  let db: TestDatabase;
  let sut: ChatApp;
  let model: ScriptedModelServer;
  let client: ClientGrpc & { close(): void };
  let chat: chatV1.ChatServiceClient;
  let storageDir: string;
  const job = receiptJob();
  const owner = 'account-owner';
  const namespace = natsPrefix('chatllm');

  beforeAll(async () => {
    db = await createTestDatabase('chat_llm');
    model = new ScriptedModelServer();
    const url = `127.0.0.1:${await freePort()}`;
    storageDir = mkdtempSync(join(tmpdir(), 'chat-llm-int-'));
    sut = await startChatApp(
      loadChatConfig({
        CHAT_GRPC_URL: url,
        DATABASE_URL: db.url,
        NATS_URL: await natsUrl(),
        NATS_NAMESPACE: namespace,
        STORAGE_URL: storageDir,
        LOG_LEVEL: 'silent',
        CHAT_LLM_URL: await model.start(),
        CHAT_LLM_MODEL: 'scripted-7b',
        CHAT_LLM_API_KEY: 'sk-int',
      }),
    );
    client = ClientProxyFactory.create(grpcClientOptions('chat', url)) as unknown as ClientGrpc & { close(): void };
    chat = client.getService<chatV1.ChatServiceClient>(chatV1.CHAT_SERVICE_NAME);
    await lastValueFrom(chat.indexJob({ job_json: JSON.stringify(job), account_id: owner }));
  });

  afterAll(async () => {
    client?.close();
    await sut?.close();
    const bus = await JetStreamBus.connect({ servers: await natsUrl(), name: 'chat-llm-int-cleanup', namespace, logger: { info() {}, warn() {}, error() {} } });
    await bus.deleteStreams();
    await bus.close();
    await model?.close();
    await db?.drop();
    rmSync(storageDir, { recursive: true, force: true });
  });

  const ask = (message: string, conversation = '') => lastValueFrom(chat.ask({ job_id: job.uuid, account_id: owner, message, conversation }));
  const says = (answer: string | null, citations: { page: number; quote: string }[]) => ({ content: JSON.stringify({ answer, citations }) });

  it('answers in the model’s words with verified, boxed citations, and a follow-up carries the earlier turns', async () => {
    model.reply(says('The total is RM 5.70.', [{ page: 1, quote: 'TOTAL 5.70' }]), says('It is dated 27 March 2018.', [{ page: 1, quote: 'Date: 27/03/2018' }]));
    const first = await ask('What is the total?');
    expect(first.message).toMatchObject({ role: 'assistant', content: 'The total is RM 5.70.', citations: [{ page: 1, snippet: 'TOTAL 5.70', bbox: [50, 280, 170, 304] }] });
    const second = await ask('and its date?', first.conversation);
    expect(second.message).toMatchObject({ content: 'It is dated 27 March 2018.', citations: [{ page: 1, snippet: 'Date: 27/03/2018' }] });
    const sent = model.requests.at(-1)!;
    expect(sent.headers.authorization).toBe('Bearer sk-int');
    expect(sent.body.messages!.slice(1)).toEqual([
      { role: 'user', content: 'What is the total?' },
      { role: 'assistant', content: 'The total is RM 5.70.' },
      { role: 'user', content: 'and its date?' },
    ]);
  });

  it('never lets an invented quote out: the answer becomes the decline, and the history keeps the decline', async () => {
    model.reply(says('Captain Nur flew the goods.', [{ page: 1, quote: 'Pilot: Captain Nur' }]));
    const before = model.requests.length;
    const res = await ask('Which pilot flew the goods of the shop?');
    expect(model.requests.length).toBe(before + 1);
    expect(res.message!.citations).toEqual([]);
    expect(res.message!.content).toMatch(/could not find/i);
    const history = await lastValueFrom(chat.getHistory({ job_id: job.uuid, account_id: owner }));
    expect(JSON.stringify(history)).not.toContain('Captain');
  });

  it('still answers, extractively, when the endpoint fails', async () => {
    model.reply({ status: 503, body: '{"error":{"message":"loading model"}}' });
    const before = model.requests.length;
    const res = await ask('What is the total?');
    expect(model.requests.length).toBe(before + 1);
    expect(res.message!.citations).toEqual([{ page: 1, snippet: 'TOTAL 5.70', bbox: [50, 280, 170, 304] }]);
    expect(res.message!.content).toContain('5.70');
  });
});

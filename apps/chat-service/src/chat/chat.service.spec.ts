import { ChatError } from '../errors/chat.error';
import { receiptJob } from '../testing/receipt.fixture';
import { Answerer, AnswerRequest, ExtractiveAnswerer } from './answerer';
import type { ChatRepository, IndexedJob, StoredConversation } from './chat.repository';
import type { Chunk } from './extractive.answerer';
import { ChatService } from './chat.service';

/** An in-memory stand-in for the Postgres repository (word-prefix search instead of tsvector). */
class FakeChatRepository {
  jobs = new Map<string, IndexedJob>();
  conversations = new Map<string, StoredConversation>();
  async replaceJob(job: IndexedJob) {
    this.jobs.set(job.jobId, job);
  }
  async jobOwner(jobId: string) {
    return this.jobs.get(jobId)?.accountId ?? null;
  }
  async search(jobId: string, terms: string[]): Promise<Chunk[]> {
    return (this.jobs.get(jobId)?.chunks ?? []).filter((c) =>
      (c.text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).some((w) => terms.some((t) => w.startsWith(t))),
    );
  }
  async matching(jobId: string, pattern: string): Promise<Chunk[]> {
    const re = new RegExp(pattern, 'i');
    return (this.jobs.get(jobId)?.chunks ?? []).filter((c) => re.test(c.text));
  }
  async leadingLines(jobId: string, limit: number) {
    return (this.jobs.get(jobId)?.chunks ?? []).filter((c) => c.page === 1).slice(0, limit);
  }
  async pageTexts(jobId: string, pages: number[]) {
    return new Map((this.jobs.get(jobId)?.pages ?? []).filter((p) => pages.includes(p.page)).map((p) => [p.page, p.text]));
  }
  async createConversation(jobId: string, accountId: string) {
    const id = `00000000-0000-4000-8000-${String(this.conversations.size).padStart(12, '0')}`;
    this.conversations.set(id, { id, jobId, accountId, createdAt: new Date(), messages: [] });
    return id;
  }
  async conversation(id: string) {
    return this.conversations.get(id) ?? null;
  }
  async recentMessages(id: string, limit: number) {
    return (this.conversations.get(id)?.messages ?? []).map((m) => ({ role: m.role, content: m.content })).slice(-limit);
  }
  async addExchange(id: string, question: string, answer: { content: string; citations: StoredConversation['messages'][0]['citations'] }) {
    const now = new Date();
    this.conversations.get(id)!.messages.push({ role: 'user', content: question, citations: [], createdAt: now }, { role: 'assistant', ...answer, createdAt: now });
    return now;
  }
  async history(jobId: string, accountId: string) {
    return [...this.conversations.values()].filter((c) => c.jobId === jobId && c.accountId === accountId);
  }
}

describe(ChatService.name, () => {
  let repo: FakeChatRepository;
  let sut: ChatService;
  const job = receiptJob();
  beforeEach(async () => {
    repo = new FakeChatRepository();
    sut = new ChatService(repo as unknown as ChatRepository, new ExtractiveAnswerer(), { maxMessageChars: 100 });
    await sut.indexJob({ job_json: JSON.stringify(job), account_id: 'acc' });
  });
  const ask = (message: string, conversation = '') => sut.ask({ job_id: job.uuid, account_id: 'acc', message, conversation });

  it('drops a citation whose snippet does not stand on its page, and then declines', async () => {
    repo.jobs.get(job.uuid)!.pages[0].text = 'something else entirely';
    const res = await ask('What is the total?');
    expect(res.message!.citations).toEqual([]);
    expect(res.message!.content).toMatch(/could not find/i);
  });

  it('retries a follow-up with the previous question when it finds nothing alone', async () => {
    const first = await ask('Who is the cashier?');
    expect(first.message!.citations[0].snippet).toBe('Cashier: Nur');
    const second = await ask('and his name?', first.conversation);
    expect(second.message!.citations[0].snippet).toBe('Cashier: Nur');
  });

  it('does not lean on the previous question when a follow-up names something the document lacks', async () => {
    const first = await ask('Who is the cashier?');
    const second = await ask('What is the name of the pilot?', first.conversation);
    expect(second.message!.citations).toEqual([]);
    expect(second.message!.content).toMatch(/could not find/i);
  });

  it('does not let another account continue a conversation', async () => {
    const first = await ask('What is the total?');
    await sut.indexJob({ job_json: JSON.stringify(receiptJob('other-job')), account_id: 'acc' });
    await expect(sut.ask({ job_id: 'other-job', account_id: 'acc', message: 'total?', conversation: first.conversation })).rejects.toMatchObject({
      code: 'CONVERSATION_NOT_FOUND',
    });
    await expect(sut.getHistory({ job_id: job.uuid, account_id: 'intruder' })).rejects.toBeInstanceOf(ChatError);
  });

  it('checks the citations of any answerer against the page text, and declines when none stands there', async () => {
    const inventive: Answerer = {
      answer: async () => ({ content: 'The total is 9.99.', citations: [{ page: 1, snippet: 'GRAND TOTAL 9.99', bbox: [0, 0, 1, 1] }] }),
    };
    sut = new ChatService(repo as unknown as ChatRepository, inventive, { maxMessageChars: 100 });
    const res = await ask('What is the total?');
    expect(res.message!.citations).toEqual([]);
    expect(res.message!.content).toMatch(/could not find/i);
    expect(res.message!.content).not.toContain('9.99');
  });

  it('hands the answerer the conversation’s earlier turns and the lines retrieved for the question', async () => {
    const seen: AnswerRequest[] = [];
    const extractive = new ExtractiveAnswerer();
    const recording: Answerer = { answer: (r) => (seen.push(r), extractive.answer(r)) };
    sut = new ChatService(repo as unknown as ChatRepository, recording, { maxMessageChars: 100 });
    const first = await ask('What is the total?');
    await ask('and its date?', first.conversation);
    expect(seen[0]!.history).toEqual([]);
    expect(seen[1]!.history).toEqual([
      { role: 'user', content: 'What is the total?' },
      { role: 'assistant', content: first.message!.content },
    ]);
    expect(seen[1]!.retrieved.map((c) => c.text)).toContain('Date: 27/03/2018');
  });
});

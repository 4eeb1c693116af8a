import { NonRetryableError } from '@ocr/messaging';
import { ChatError } from '../errors/chat.error';
import { receiptJob } from '../testing/receipt.fixture';
import { JobIndexer } from './job-indexer.service';

class FakeResults {
  objects = new Map<string, string>();
  reads: string[] = [];
  async read(key: string) {
    this.reads.push(key);
    return this.objects.get(key) ?? null;
  }
}

class FakeChat {
  indexed: { job_json: string; account_id: string }[] = [];
  failWith: Error | null = null;
  async indexJob(request: { job_json: string; account_id: string }) {
    if (this.failWith) throw this.failWith;
    this.indexed.push(request);
    return { chunks: 11 };
  }
}

describe(JobIndexer.name, () => {
  const job = receiptJob();
  const event = { job_id: job.uuid, account_id: 'acc-1', status: 'done' as const, page_count: 2, result_key: `results/${job.uuid}.json` };
  let results: FakeResults;
  let chat: FakeChat;
  let sut: JobIndexer;
  beforeEach(() => {
    results = new FakeResults();
    chat = new FakeChat();
    sut = new JobIndexer(results, chat);
    results.objects.set(event.result_key, JSON.stringify(job));
  });

  it('indexes an account job from the document at the event’s result key', async () => {
    await expect(sut.onJobFinished(event)).resolves.toEqual({ kind: 'indexed', chunks: 11 });
    expect(chat.indexed).toEqual([{ job_json: JSON.stringify(job), account_id: 'acc-1' }]);
  });

  it('indexes again on redelivery (indexing replaces)', async () => {
    await sut.onJobFinished(event);
    await sut.onJobFinished(event);
    expect(chat.indexed).toHaveLength(2);
  });

  it('falls back to results/<job>.json when the event names no key', async () => {
    const { result_key: _key, ...withoutKey } = event;
    await sut.onJobFinished(withoutKey);
    expect(results.reads).toEqual([`results/${job.uuid}.json`]);
  });

  it('skips anonymous and failed jobs without reading storage, and documents that expired', async () => {
    await expect(sut.onJobFinished({ ...event, account_id: null })).resolves.toEqual({ kind: 'skipped', reason: 'anonymous' });
    await expect(sut.onJobFinished({ ...event, status: 'failed' })).resolves.toEqual({ kind: 'skipped', reason: 'failed' });
    expect(results.reads).toEqual([]);
    await expect(sut.onJobFinished({ ...event, result_key: 'results/gone.json' })).resolves.toEqual({ kind: 'skipped', reason: 'expired' });
    expect(chat.indexed).toEqual([]);
  });

  it('gives up on a document that cannot be indexed, and lets other failures be retried', async () => {
    chat.failWith = new ChatError('INVALID_JOB_DOCUMENT', 'pages: required');
    await expect(sut.onJobFinished(event)).rejects.toBeInstanceOf(NonRetryableError);
    chat.failWith = new Error('connection terminated');
    const error = await sut.onJobFinished(event).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(NonRetryableError);
    expect((error as Error).message).toBe('connection terminated');
  });
});

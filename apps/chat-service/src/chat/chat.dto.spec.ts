import { ChatError } from '../errors/chat.error';
import { receiptJob } from '../testing/receipt.fixture';
import { parseAskRequest, parseIndexRequest } from './chat.dto';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ChatError) return error.code;
    throw error;
  }
  throw new Error('expected a ChatError');
}

describe(parseIndexRequest.name, () => {
  it('cuts a finished job into line chunks with 1-based pages and boxes', () => {
    const sut = parseIndexRequest({ job_json: JSON.stringify(receiptJob()), account_id: 'acc-1' });
    expect(sut.chunks).toHaveLength(11);
    expect(sut.chunks[8]).toEqual({ page: 1, seq: 8, text: 'TOTAL 5.70', bbox: [50, 280, 170, 304] });
    expect(sut.chunks[9]).toMatchObject({ page: 2, seq: 0 });
    expect(sut.pages.map((p) => p.page)).toEqual([1, 2]);
  });

  it('rejects bad JSON, a bad document and an unfinished job', () => {
    expect(codeOf(() => parseIndexRequest({ job_json: '{', account_id: 'a' }))).toBe('INVALID_JOB_JSON');
    expect(codeOf(() => parseIndexRequest({ job_json: '{"uuid":"x"}', account_id: 'a' }))).toBe('INVALID_JOB_DOCUMENT');
    expect(codeOf(() => parseIndexRequest({ job_json: JSON.stringify({ ...receiptJob(), status: 'processing' }), account_id: 'a' }))).toBe('JOB_NOT_FINISHED');
  });
});

describe(parseAskRequest.name, () => {
  const base = { job_id: 'j', account_id: 'a', message: 'What is the total?', conversation: '' };
  it('rejects anonymous callers, empty and over-long messages, and malformed conversation ids', () => {
    expect(codeOf(() => parseAskRequest({ ...base, account_id: '' }, 100))).toBe('ANONYMOUS');
    expect(codeOf(() => parseAskRequest({ ...base, message: '   ' }, 100))).toBe('INVALID_MESSAGE');
    expect(codeOf(() => parseAskRequest({ ...base, message: 'x'.repeat(101) }, 100))).toBe('INVALID_MESSAGE');
    expect(codeOf(() => parseAskRequest({ ...base, conversation: 'nope' }, 100))).toBe('CONVERSATION_NOT_FOUND');
    expect(parseAskRequest(base, 100)).toEqual({ jobId: 'j', accountId: 'a', message: 'What is the total?', conversation: null });
  });
});

import { samplePage } from '../test/fixtures';
import { jobFinishedMessageSchema, ocrTaskMessageSchema, pageResultMessageSchema } from './messages';

const task = {
  job_id: '6f1c2b1e-0000-4000-8000-000000000001',
  page_index: 0,
  page_count: 3,
  upload_key: 'uploads/6f1c/original.pdf',
  mime: 'application/pdf',
  tier: 'cpu',
  language: 'auto',
  tool: null,
  priority: 'p1',
};

describe('message schemas', () => {
  it('accepts a task and keeps its options', () => {
    expect(ocrTaskMessageSchema.parse({ ...task, options: { dpi: 300 } })).toEqual({ ...task, options: { dpi: 300 } });
  });

  it('names each wrong field of a task', () => {
    const result = ocrTaskMessageSchema.safeParse({ ...task, page_index: -1, tier: 'gpu', priority: 'p7', upload_key: undefined });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['page_index', 'priority', 'tier', 'upload_key']);
  });

  it('refuses a page index beyond the page count', () => {
    const result = ocrTaskMessageSchema.safeParse({ ...task, page_index: 3 });
    expect(result.error?.issues[0]?.message).toBe('page_index must be below page_count');
  });

  it('accepts a page result and keeps fields it does not know', () => {
    const page = { ...samplePage(), future_field: 'kept' };
    const parsed = pageResultMessageSchema.parse({ job_id: task.job_id, page_index: 0, worker_id: 'w1', page, attempt: 1 });
    expect(parsed.page).toEqual(page);
  });

  it('refuses a page result with a broken bbox', () => {
    const page = samplePage();
    page.blocks[0]!.bbox = [1, 2, 3] as unknown as [number, number, number, number];
    expect(pageResultMessageSchema.safeParse({ job_id: 'j', page_index: 0, worker_id: 'w', page, attempt: 1 }).success).toBe(false);
  });

  it('accepts a finished event with or without an account', () => {
    expect(jobFinishedMessageSchema.parse({ job_id: 'j', account_id: null, status: 'done', page_count: 2 }).account_id).toBeNull();
    expect(jobFinishedMessageSchema.safeParse({ job_id: 'j', account_id: 'a', status: 'pending', page_count: 2 }).success).toBe(false);
  });
});

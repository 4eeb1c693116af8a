import { failedPage, type JobPage } from '@ocr/documents';
import type { JobEntity } from '../database/job.entity';
import { jobRow, pageResult } from '../../test/job.fixtures';
import { nonSpaceLength, serializeJob, type StoredPage } from './job.dto';

const CREATED = new Date('2026-03-01T10:00:00.000Z');

function job(overrides: Partial<JobEntity> = {}): JobEntity {
  return { ...jobRow({ status: 'processing' }), created_at: CREATED, ...overrides };
}

const page = pageResult;

/** A stored page as Postgres gives it back: jsonb's text has a space after every colon and comma. */
function stored(result: JobPage | null, extra: Partial<StoredPage> = {}, withSummary = true): StoredPage {
  const postgresText = result
    ? JSON.stringify(result)
        .replace(/"(?:[^"\\]|\\.)*"|[,:]/g, (m) => (m === ',' || m === ':' ? `${m} ` : m))
    : null;
  return {
    index: result?.index ?? 0,
    status: result ? (result.error ? 'failed' : 'done') : 'failed',
    error: result?.error ?? null,
    result_json: postgresText === null ? null : Buffer.from(postgresText),
    ...(withSummary && result
      ? { summary: { text: result.text, markdown: result.markdown, mean_confidence: result.mean_confidence, error: result.error ?? null } }
      : {}),
    ...extra,
  };
}

const parse = (json: Buffer) => JSON.parse(json.toString('utf8'));

describe(serializeJob.name, () => {
  it('shows a running job with the pages finished so far, in page order, and their running summary', () => {
    const one = page(0, 'first page', 0.9);
    const three = page(2, 'third, with "quotes" and a comma', 0.5);
    const broken = { ...failedPage(3, 'page 4 is corrupt') };
    const sut = parse(serializeJob(job(), [stored(three), stored(broken), stored(one)]));

    expect(sut).toEqual({
      uuid: '3f0c2a9e-8d0b-4c1e-9a55-0d5c0c7f1b21',
      status: 'processing',
      tier: 'cpu',
      language: 'en',
      tool: null,
      page_count: 4,
      pages_done: 3,
      // Weighted by non-space characters: 9 at 0.9 and 27 at 0.5.
      mean_confidence: 0.6,
      text: 'first page\n\nthird, with "quotes" and a comma',
      markdown: '# first page\n\n---\n\n# third, with "quotes" and a comma',
      pages: [one, three, broken],
      error: null,
      created_at: '2026-03-01T10:00:00.000Z',
      finished_at: null,
    });
  });

  it('shows a page failed without a result (it never got one) with its error', () => {
    const sut = parse(
      serializeJob(job({ page_count: 1 }), [{ index: 0, status: 'failed', error: 'The page was not read: no result within 10 min.', result_json: null }]),
    );
    expect(sut.pages).toEqual([failedPage(0, 'The page was not read: no result within 10 min.')]);
    expect(sut).toMatchObject({ pages_done: 1, text: '', markdown: '', mean_confidence: 0 });
  });

  it('takes a finished job’s text, confidence and counts from the job, not from its pages', () => {
    const finished = job({
      status: 'done',
      page_count: 2,
      pages_done: 2,
      pages_failed: 1,
      text: 'stored text',
      markdown: 'stored markdown',
      mean_confidence: 0.123456,
      finished_at: new Date('2026-03-01T10:05:00.000Z'),
    });
    const sut = parse(serializeJob(finished, [stored(page(0, 'stored text', 0.8), {}, false), stored(failedPage(1, 'bad page'), {}, false)]));
    expect(sut).toMatchObject({
      status: 'done',
      pages_done: 2,
      text: 'stored text',
      markdown: 'stored markdown',
      mean_confidence: 0.1235,
      finished_at: '2026-03-01T10:05:00.000Z',
    });
    expect(sut.pages.map((p: JobPage) => p.index)).toEqual([0, 1]);
  });
});

describe(nonSpaceLength.name, () => {
  it('counts what is left once every \\s is taken out, for every UTF-16 code unit', () => {
    const wrong: number[] = [];
    for (let c = 0; c < 0x10000; c += 1) {
      const text = `a${String.fromCharCode(c)}b`;
      if (nonSpaceLength(text) !== text.replace(/\s/g, '').length) wrong.push(c);
    }
    expect(wrong).toEqual([]);
    expect(nonSpaceLength('two  words\n\tand 😀')).toBe('two  words\n\tand 😀'.replace(/\s/g, '').length);
  });
});

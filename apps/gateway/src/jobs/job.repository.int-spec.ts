import { failedPage } from '@ocr/documents';
import { createTestDatabase, type TestDatabase } from '@ocr/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { gatewayDataSourceOptions } from '../database/data-source';
import { jobRow, pageResult } from '../../test/job.fixtures';
import { serializeJob } from './job.dto';
import { JobRepository } from './job.repository';

const page = pageResult;

const parse = (json: Buffer) => JSON.parse(json.toString('utf8'));

describe(`${JobRepository.name} on Postgres`, () => {
  let database: TestDatabase;
  let db: DataSource;
  let sut: JobRepository;

  beforeAll(async () => {
    database = await createTestDatabase('gateway_jobs');
    db = new DataSource({ ...gatewayDataSourceOptions(database.url), migrationsRun: false });
    await db.initialize();
    await db.query('CREATE SCHEMA IF NOT EXISTS jobs');
    await db.runMigrations({ transaction: 'all' });
    sut = new JobRepository(db);
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  async function newJob(pageCount: number): Promise<string> {
    const id = randomUUID();
    await sut.create(jobRow({ id, upload_key: `uploads/${id}`, page_count: pageCount, file_size: 1000 }));
    return id;
  }

  // Text that JSON escapes or that is not Latin-1: the stored bytes must come back as they went in.
  const first = page(0, 'Total: 12,50 € — “quoted” \\ backslash\ttab 日本語 😀', 0.91);
  const third = page(2, 'third page', 0.5);

  it('gives a running job’s stored pages as JSON bytes, with their summary, so that the job reads as it was stored', async () => {
    const id = await newJob(3);
    await sut.applyPageResult(id, third, 'worker-1', 60_000);
    await sut.applyPageResult(id, first, 'worker-2', 60_000);

    const { job, pages: stored } = (await sut.findWithPages(id))!;
    expect(stored.map((p) => [p.index, p.status, Buffer.isBuffer(p.result_json)])).toEqual([
      [0, 'done', true],
      [2, 'done', true],
    ]);
    const document = parse(serializeJob(job, stored));
    expect(document.pages).toEqual([first, third]);
    expect(document).toMatchObject({ status: 'processing', pages_done: 2, text: `${first.text}\n\n${third.text}`, markdown: `${first.markdown}\n\n---\n\n${third.markdown}` });
  });

  it('shows exactly the pages pages_done counts, while workers report pages', async () => {
    const id = await newJob(40);
    const reports = (async () => {
      for (let i = 0; i < 40; i += 1) await sut.applyPageResult(id, page(i, `page ${i}`, 0.9), 'worker-1', 60_000);
    })();
    const seen: [number, number][] = [];
    let done = false;
    void reports.then(() => (done = true));
    while (!done) {
      const { job, pages } = (await sut.findWithPages(id))!;
      seen.push([job.pages_done, pages.length]);
    }
    await reports;
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.filter(([count, shown]) => count !== shown)).toEqual([]);
  });

  it('finalizes the job from the stored pages: text of the pages that worked, the failed one left out', async () => {
    const id = await newJob(3);
    await sut.applyPageResult(id, first, 'worker-1', 60_000);
    await sut.applyPageResult(id, failedPage(1, 'page 2 is corrupt'), 'worker-1', 60_000);
    const outcome = await sut.applyPageResult(id, third, 'worker-1', 60_000);

    expect(outcome).toMatchObject({ applied: true, finalized: true });
    const job = (await sut.find(id))!;
    expect(job).toMatchObject({ status: 'done', pages_done: 3, pages_failed: 1, text: `${first.text}\n\n${third.text}`, error: null });
    const chars = first.text.replace(/\s/g, '').length;
    expect(job.mean_confidence).toBeCloseTo((chars * 0.91 + 9 * 0.5) / (chars + 9), 6);

    const document = parse(serializeJob(job, (await sut.findWithPages(id))!.pages));
    expect(document.pages).toEqual([first, failedPage(1, 'page 2 is corrupt'), third]);
  });

  it('finds stalled jobs of the tiers asked for only', async () => {
    const cpu = await newJob(2);
    const vlm = randomUUID();
    await sut.create(jobRow({ id: vlm, tier: 'vlm', upload_key: `uploads/${vlm}` }));
    const later = new Date(Date.now() + 60_000);

    expect(await sut.findStalled(later, ['vlm'])).toEqual([vlm]);
    expect(await sut.findStalled(later, ['cpu'])).toContain(cpu);
    expect(await sut.findStalled(later, ['cpu'])).not.toContain(vlm);
    expect(await sut.findStalled(later, [])).toEqual([]);
  });

  it('shows the pages a stalled job never got as failed, and fails a job whose every page failed', async () => {
    const id = await newJob(2);
    await sut.applyPageResult(id, failedPage(0, 'unreadable'), 'worker-1', 60_000);
    expect(await sut.failPendingPages(id, 'no result within 10 min', 60_000)).toBe(1);

    const job = (await sut.find(id))!;
    expect(job).toMatchObject({ status: 'failed', error: 'every page failed (first: unreadable)', text: '' });
    const document = parse(serializeJob(job, (await sut.findWithPages(id))!.pages));
    expect(document.pages).toEqual([failedPage(0, 'unreadable'), failedPage(1, 'no result within 10 min')]);
  });
});

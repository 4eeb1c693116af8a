import type { JobStatus, Tier } from '@ocr/documents';
import { DomainError } from '../src/common/domain-error';
import type { DocumentInspector, InspectedDocument, LanguageCatalog, PageTask, TaskQueue, UploadStore } from '../src/jobs/job.ports';
import type { UploadedFile } from '../src/jobs/job.service';

export type JobFinishedEvent = { job_id: string; account_id: string | null; status: JobStatus; page_count: number; result_key?: string };

/** Records published tasks and finished-job events; `failures` makes the next task publishes fail. */
export class FakeTaskQueue implements TaskQueue {
  readonly tasks: PageTask[] = [];
  readonly finished: JobFinishedEvent[] = [];
  readonly failures: Error[] = [];
  /** Makes the next `publishJobFinished` calls fail, one per entry. */
  readonly finishedFailures: Error[] = [];
  /** Tasks still queued or held by a worker, per tier (none by default); an Error: the queue cannot tell. */
  waiting: Partial<Record<Tier, number | Error>> = {};

  async tasksWaiting(tier: Tier): Promise<number> {
    const w = this.waiting[tier] ?? 0;
    if (w instanceof Error) throw w;
    return w;
  }

  async publishTasks(tasks: PageTask[]): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.tasks.push(...tasks);
  }

  async publishJobFinished(event: JobFinishedEvent): Promise<void> {
    const failure = this.finishedFailures.shift();
    if (failure) throw failure;
    this.finished.push(event);
  }
}

const FAKE_PDF = /^%FAKE-PDF pages=(\d+)\n/;

/** A test document: a "PDF" whose header states its page count (`fakePdf(n)`); anything else is unsupported. */
export function fakePdf(pages: number, name = 'scan.pdf'): UploadedFile {
  const buffer = Buffer.from(`%FAKE-PDF pages=${pages}\n…`);
  return { buffer, originalname: name, size: buffer.length };
}

/** Finds the type and page count from the bytes, like the real inspector, for `fakePdf` documents. */
export class FakeDocumentInspector implements DocumentInspector {
  async inspect(bytes: Buffer, limits: { maxPages: number }): Promise<InspectedDocument> {
    const m = FAKE_PDF.exec(bytes.toString('latin1'));
    if (!m) throw new DomainError('unsupported_type', 'Unsupported file type.');
    const pages = Number(m[1]);
    if (pages > limits.maxPages) throw new DomainError('too_many_pages', `The file has more than ${limits.maxPages} pages.`);
    return { mime: 'application/pdf', page_count: pages };
  }
}

export class InMemoryUploadStore implements UploadStore {
  readonly objects = new Map<string, { bytes: Buffer; contentType: string }>();

  async put(key: string, bytes: Buffer, contentType: string): Promise<void> {
    this.objects.set(key, { bytes: Buffer.from(bytes), contentType });
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }

  async deletePrefix(prefix: string): Promise<void> {
    for (const key of [...this.objects.keys()]) if (key.startsWith(prefix)) this.objects.delete(key);
  }
}

export class FakeLanguageCatalog implements LanguageCatalog {
  constructor(private readonly codes: readonly string[] = ['en', 'ch', 'ja', 'ar', 'ru', 'hi']) {}

  assertKnown(code: string): void {
    if (code === 'auto' || this.codes.includes(code)) return;
    throw new DomainError('unknown_language', `Unknown language "${code}".`);
  }
}

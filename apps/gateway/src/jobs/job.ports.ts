import type { JobStatus, Tier } from '@ocr/documents';
import type { TraceContext } from '@ocr/messaging';

/** Injection tokens for the adapters the job service uses (real ones in JobsModule, fakes in unit specs). */
export const TASK_QUEUE = Symbol('TASK_QUEUE');
export const DOCUMENT_INSPECTOR = Symbol('DOCUMENT_INSPECTOR');
export const UPLOAD_STORE = Symbol('UPLOAD_STORE');
export const LANGUAGE_CATALOG = Symbol('LANGUAGE_CATALOG');

export interface PageTask {
  job_id: string;
  page_index: number;
  page_count: number;
  upload_key: string;
  mime: string;
  tier: Tier;
  language: string;
  tool: string | null;
  priority: number;
  /** W3C trace context the worker continues (its logs carry the trace id). */
  trace?: TraceContext;
}

export interface TaskQueue {
  /** Publishes one task per page; de-duplicated by `<job>:<page>`. */
  publishTasks(tasks: PageTask[]): Promise<void>;
  /** Announces a finished job (`ocr.jobs.finished`). */
  publishJobFinished(event: { job_id: string; account_id: string | null; status: JobStatus; page_count: number; result_key?: string }): Promise<void>;
  /** Page tasks of the tier still queued or held by a worker, over every priority (rejects when the queue cannot tell). */
  tasksWaiting(tier: Tier): Promise<number>;
}

export interface InspectedDocument {
  mime: string;
  page_count: number;
}

export interface DocumentInspector {
  /** Type from the bytes, page count; throws DomainError (400) for unsupported, corrupt, encrypted, too big. */
  inspect(bytes: Buffer, limits: { maxPages: number }): Promise<InspectedDocument>;
}

export interface UploadStore {
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Deletes every object under a prefix (a job's page images). */
  deletePrefix(prefix: string): Promise<void>;
}

export interface LanguageCatalog {
  /** Throws DomainError unknown_language for a code it does not know. `auto` is always known. */
  assertKnown(code: string): void;
}

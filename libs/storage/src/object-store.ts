import type { Readable } from 'node:stream';

/** An object as listed: its key and size in bytes. */
export interface ObjectInfo {
  key: string;
  size: number;
}

export interface PutOptions {
  /** Stored as the object's Content-Type where the backend keeps one (S3); ignored on local disk. */
  contentType?: string;
  /**
   * The stream's length in bytes when known. S3 uploads a Readable of unknown length in parts
   * sized for the largest possible object, buffering a part in memory: give the size when you can.
   */
  size?: number;
}

/**
 * Where uploads live until their job ends. Keys are `/`-separated relative paths, e.g.
 * `uploads/<job>/original.pdf`: 1–1024 bytes, no leading `/`, no empty, `.` or `..` segments,
 * no backslashes or control characters (see `assertValidKey`). Both adapters behave alike; the
 * shared behaviour suite in `libs/storage/test` holds them to it.
 */
export interface ObjectStore {
  /** Writes the object whole; readers see the old object or the new one, never a partial one. */
  put(key: string, data: Buffer | Uint8Array | Readable, options?: PutOptions): Promise<void>;
  /** @throws ObjectNotFoundError */
  get(key: string): Promise<Buffer>;
  /** Opens the object for streaming. @throws ObjectNotFoundError (before any byte is read) */
  getStream(key: string): Promise<Readable>;
  /** The object's size, or null when there is none. */
  stat(key: string): Promise<ObjectInfo | null>;
  /** Removes the object; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** Removes every object whose key starts with `prefix` (non-empty); returns how many. */
  deletePrefix(prefix: string): Promise<number>;
  /** Every object whose key starts with `prefix` ('' for all), sorted by key. */
  list(prefix?: string): Promise<ObjectInfo[]>;
  /** Resolves when the store can be written and read (readiness); rejects with the reason. */
  ping(): Promise<void>;
  /** Releases connections and handles, if any. */
  close?(): Promise<void>;
}

/** Base class of the storage errors; `code` is stable for exception filters. */
export class ObjectStoreError extends Error {
  readonly code: string = 'OBJECT_STORE_ERROR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ObjectNotFoundError extends ObjectStoreError {
  override readonly code = 'OBJECT_NOT_FOUND';
  constructor(readonly key: string, options?: { cause?: unknown }) {
    super(`object not found: ${key}`, options);
  }
}

export class InvalidObjectKeyError extends ObjectStoreError {
  override readonly code = 'INVALID_OBJECT_KEY';
  constructor(readonly key: string, reason: string) {
    super(`invalid object key ${JSON.stringify(key.length > 100 ? `${key.slice(0, 100)}…` : key)}: ${reason}`);
  }
}

const CONTROL = /[\u0000-\u001f\u007f]/;

function problemWith(key: string, isPrefix: boolean): string | null {
  if (typeof key !== 'string') return 'must be a string';
  if (key === '') return isPrefix ? null : 'must not be empty';
  if (Buffer.byteLength(key, 'utf8') > 1024) return 'must be at most 1024 bytes';
  if (key.startsWith('/')) return 'must be relative (no leading /)';
  if (key.includes('\\')) return 'must not contain a backslash';
  if (CONTROL.test(key)) return 'must not contain control characters';
  const segments = key.split('/');
  // A prefix may end with '/', which leaves one empty last segment.
  if (isPrefix && segments[segments.length - 1] === '') segments.pop();
  for (const segment of segments) {
    if (segment === '') return 'must not contain empty segments (// or a trailing /)';
    if (segment === '.' || segment === '..') return 'must not contain . or .. segments';
  }
  return null;
}

/** @throws InvalidObjectKeyError */
export function assertValidKey(key: string): void {
  const problem = problemWith(key, false);
  if (problem) throw new InvalidObjectKeyError(String(key), problem);
}

/** Like `assertValidKey`, but '' and a trailing '/' are allowed. @throws InvalidObjectKeyError */
export function assertValidPrefix(prefix: string): void {
  const problem = problemWith(prefix, true);
  if (problem) throw new InvalidObjectKeyError(String(prefix), problem);
}

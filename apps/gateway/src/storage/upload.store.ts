import type { ObjectStore } from '@ocr/storage';
import type { UploadStore } from '../jobs/job.ports';

export const OBJECT_STORE = Symbol('OBJECT_STORE');

/** The job's files in object storage: the upload (while the job runs), page images and the result document. */
export class ObjectUploadStore implements UploadStore {
  constructor(private readonly store: ObjectStore) {}

  put(key: string, bytes: Buffer, contentType: string): Promise<void> {
    return this.store.put(key, bytes, { contentType, size: bytes.length });
  }

  delete(key: string): Promise<void> {
    return this.store.delete(key);
  }

  async deletePrefix(prefix: string): Promise<void> {
    await this.store.deletePrefix(prefix);
  }
}

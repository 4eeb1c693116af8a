import { ObjectNotFoundError, ObjectStore } from '@ocr/storage';

/** Reads the finished job documents the gateway writes to object storage (`results/<job>.json`). */
export class JobResultsRepository {
  constructor(private readonly store: ObjectStore) {}

  /** The document's JSON text, or null when it is not (or no longer) there. */
  async read(key: string): Promise<string | null> {
    try {
      return (await this.store.get(key)).toString('utf8');
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return null;
      throw error;
    }
  }
}

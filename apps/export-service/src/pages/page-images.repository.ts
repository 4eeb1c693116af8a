import { ObjectNotFoundError, type ObjectStore } from '@ocr/storage';

/** Where the searchable PDF reads the page images (the workers' JPEGs) from. */
export interface PageImages {
  /** The keys of every object under `prefix`. */
  keys(prefix: string): Promise<Set<string>>;
  /** The object's bytes, or null when there is none. */
  read(key: string): Promise<Buffer | null>;
}

/** Injection token of the PageImages adapter. */
export const PAGE_IMAGES = Symbol('PAGE_IMAGES');

/** Page images in the platform's object store (local disk or S3), under `pages/<job>/`. */
export class ObjectStorePageImages implements PageImages {
  constructor(private readonly store: ObjectStore) {}

  async keys(prefix: string): Promise<Set<string>> {
    return new Set((await this.store.list(prefix)).map((o) => o.key));
  }

  async read(key: string): Promise<Buffer | null> {
    try {
      return await this.store.get(key);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return null;
      throw error;
    }
  }
}

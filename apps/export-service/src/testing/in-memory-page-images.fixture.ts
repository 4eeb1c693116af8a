import type { PageImages } from '../pages/page-images.repository';

/** Page images in memory, keyed like the object store; counts reads so tests can see laziness. */
export class InMemoryPageImages implements PageImages {
  readonly objects = new Map<string, Buffer>();
  reads = 0;

  async keys(prefix: string): Promise<Set<string>> {
    return new Set([...this.objects.keys()].filter((k) => k.startsWith(prefix)));
  }

  async read(key: string): Promise<Buffer | null> {
    this.reads++;
    return this.objects.get(key) ?? null;
  }
}

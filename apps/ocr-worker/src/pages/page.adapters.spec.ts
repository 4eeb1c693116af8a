import { jobArtifacts } from '@ocr/documents';
import { LocalDiskObjectStore } from '@ocr/storage';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { ObjectStorePageImages } from './page.adapters';

describe(ObjectStorePageImages.name, () => {
  let dir: string;
  let store: LocalDiskObjectStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'page-images-'));
    store = new LocalDiskObjectStore(dir);
    await store.init();
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const page = { data: Buffer.alloc(200 * 100 * 3, 255), width: 200, height: 100, channels: 3 as const };

  it('stores the page as a JPEG under the job, with its resolution so the PDF page gets its real size', async () => {
    await new ObjectStorePageImages(store).put('job-1', 2, page, 150);
    const jpeg = await store.get(jobArtifacts.pageImage('job-1', 2));
    const meta = await sharp(jpeg).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 200, height: 100, density: 150 });
  });

  it('stores a page of unknown resolution without claiming one', async () => {
    await new ObjectStorePageImages(store).put('job-1', 0, page);
    const meta = await sharp(await store.get(jobArtifacts.pageImage('job-1', 0))).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.density === undefined || meta.density === 72).toBe(true);
  });
});

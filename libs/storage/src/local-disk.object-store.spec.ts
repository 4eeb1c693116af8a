import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describeObjectStoreBehaviour } from '../test/object-store.behaviour';
import { InvalidObjectKeyError, ObjectNotFoundError } from './object-store';
import { LocalDiskObjectStore } from './local-disk.object-store';

describeObjectStoreBehaviour('LocalDiskObjectStore', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ocr-storage-spec-'));
  return { store: new LocalDiskObjectStore(dir), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

describe(LocalDiskObjectStore.name, () => {
  let dir: string;
  let sut: LocalDiskObjectStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ocr-storage-local-'));
    sut = new LocalDiskObjectStore(join(dir, 'root'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('does not show an object until its write has finished', async () => {
    const body = new PassThrough();
    const writing = sut.put('uploads/slow.bin', body);
    body.write(Buffer.alloc(1000, 1));
    await new Promise((r) => setTimeout(r, 50));
    expect(await sut.stat('uploads/slow.bin')).toBeNull();
    await expect(sut.get('uploads/slow.bin')).rejects.toBeInstanceOf(ObjectNotFoundError);
    body.end(Buffer.alloc(1000, 2));
    await writing;
    expect(await sut.stat('uploads/slow.bin')).toEqual({ key: 'uploads/slow.bin', size: 2000 });
  });

  it('keeps the old object and no temp file when a write fails half way', async () => {
    await sut.put('doc', Buffer.from('old'));
    const failing = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(sut.put('doc', failing)).rejects.toThrow(/client went away/);
    expect((await sut.get('doc')).toString()).toBe('old');
    expect(readdirSync(join(dir, 'root', 'tmp'))).toEqual([]);
  });

  it('writes nothing outside its root whatever the key', async () => {
    await sut.put('inside', Buffer.from('x'));
    for (const key of ['../outside', '../../outside', 'a/../../outside']) {
      await expect(sut.put(key, Buffer.from('x'))).rejects.toBeInstanceOf(InvalidObjectKeyError);
    }
    expect(existsSync(join(dir, 'outside'))).toBe(false);
    expect(readdirSync(dir)).toEqual(['root']);
  });

  it('removes folders left empty by deletes', async () => {
    await sut.put('jobs/j1/pages/0.png', Buffer.from('x'));
    await sut.deletePrefix('jobs/');
    expect(readdirSync(join(dir, 'root', 'objects'))).toEqual([]);
  });

  it('treats a prefix "folder" as no object', async () => {
    await sut.put('a/b', Buffer.from('x'));
    expect(await sut.stat('a')).toBeNull();
    await expect(sut.get('a')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(sut.delete('a')).resolves.toBeUndefined();
    expect(await sut.stat('a/b')).not.toBeNull();
  });

  it('survives concurrent writes to one key, keeping one whole version', async () => {
    const versions = Array.from({ length: 10 }, (_, i) => Buffer.alloc(100_000, i));
    await Promise.all(versions.map((v) => sut.put('race', v)));
    const stored = await sut.get('race');
    expect(versions.some((v) => v.equals(stored))).toBe(true);
  });
});

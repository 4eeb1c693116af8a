import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { InvalidObjectKeyError, ObjectNotFoundError, ObjectStore } from '../src';

/**
 * What every ObjectStore must do, run against each adapter. `open` gives a store over an empty
 * namespace (a fresh folder or bucket) and a function to clean it up.
 */
export function describeObjectStoreBehaviour(
  adapter: string,
  open: () => Promise<{ store: ObjectStore; cleanup: () => Promise<void> }>,
): void {
  describe(`ObjectStore behaviour: ${adapter}`, () => {
    let sut: ObjectStore;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      ({ store: sut, cleanup } = await open());
    });
    afterAll(async () => {
      await cleanup?.();
    });

    async function text(stream: Readable): Promise<string> {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    }

    it('answers ping when reachable', async () => {
      await expect(sut.ping()).resolves.toBeUndefined();
    });

    it('reads back the bytes it was given', async () => {
      const data = randomBytes(4096);
      await sut.put('roundtrip/a.bin', data, { contentType: 'application/octet-stream' });
      expect((await sut.get('roundtrip/a.bin')).equals(data)).toBe(true);
    });

    it('stores a stream', async () => {
      await sut.put('stream/in.txt', Readable.from([Buffer.from('hello '), Buffer.from('world')]));
      expect((await sut.get('stream/in.txt')).toString()).toBe('hello world');
    });

    it('stores an empty object', async () => {
      await sut.put('empty/zero', Buffer.alloc(0));
      expect((await sut.get('empty/zero')).length).toBe(0);
      expect(await sut.stat('empty/zero')).toEqual({ key: 'empty/zero', size: 0 });
    });

    it('replaces an object on a second put', async () => {
      await sut.put('replace/x', Buffer.from('first version'));
      await sut.put('replace/x', Buffer.from('second'));
      expect((await sut.get('replace/x')).toString()).toBe('second');
      expect((await sut.stat('replace/x'))?.size).toBe(6);
    });

    it('streams an object out', async () => {
      await sut.put('out/page.txt', Buffer.from('streamed text'));
      expect(await text(await sut.getStream('out/page.txt'))).toBe('streamed text');
    });

    it('keeps keys with spaces and non-ASCII letters', async () => {
      await sut.put('uploads/Größe und Maß/reçu 1.png', Buffer.from('x'));
      expect((await sut.list('uploads/Größe')).map((o) => o.key)).toEqual(['uploads/Größe und Maß/reçu 1.png']);
    });

    it('round-trips an object of 11 MB (multipart on S3)', async () => {
      const data = randomBytes(11 * 1024 * 1024);
      await sut.put('large/eleven.bin', data);
      expect(await sut.stat('large/eleven.bin')).toEqual({ key: 'large/eleven.bin', size: data.length });
      expect((await sut.get('large/eleven.bin')).equals(data)).toBe(true);
      await sut.put('large/eleven-stream.bin', Readable.from([data.subarray(0, 6e6), data.subarray(6e6)]), { size: data.length });
      expect((await sut.get('large/eleven-stream.bin')).equals(data)).toBe(true);
    });

    it('throws ObjectNotFoundError for a missing object', async () => {
      await expect(sut.get('missing/nothing')).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(sut.get('missing/nothing')).rejects.toMatchObject({ code: 'OBJECT_NOT_FOUND', key: 'missing/nothing' });
      await expect(sut.getStream('missing/nothing')).rejects.toBeInstanceOf(ObjectNotFoundError);
      expect(await sut.stat('missing/nothing')).toBeNull();
    });

    it('deletes, and deleting twice is fine', async () => {
      await sut.put('del/one', Buffer.from('1'));
      await sut.delete('del/one');
      expect(await sut.stat('del/one')).toBeNull();
      await expect(sut.delete('del/one')).resolves.toBeUndefined();
      await expect(sut.delete('del/never-existed')).resolves.toBeUndefined();
    });

    it('lists by key prefix, sorted, with sizes', async () => {
      await sut.put('list/b/2', Buffer.from('22'));
      await sut.put('list/a/1', Buffer.from('1'));
      await sut.put('list/ab', Buffer.from('333'));
      await sut.put('listing', Buffer.from('4444'));
      expect(await sut.list('list/')).toEqual([
        { key: 'list/a/1', size: 1 },
        { key: 'list/ab', size: 3 },
        { key: 'list/b/2', size: 2 },
      ]);
      expect((await sut.list('list/a')).map((o) => o.key)).toEqual(['list/a/1', 'list/ab']);
      expect((await sut.list('list')).map((o) => o.key)).toEqual(['list/a/1', 'list/ab', 'list/b/2', 'listing']);
      expect(await sut.list('nothing-here/')).toEqual([]);
      expect((await sut.list()).map((o) => o.key)).toEqual(expect.arrayContaining(['listing', 'list/a/1']));
    });

    it('deletes by prefix and leaves the rest', async () => {
      await sut.put('jobs/j1/original.pdf', Buffer.from('a'));
      await sut.put('jobs/j1/pages/0.png', Buffer.from('b'));
      await sut.put('jobs/j10/original.pdf', Buffer.from('c'));
      expect(await sut.deletePrefix('jobs/j1/')).toBe(2);
      expect((await sut.list('jobs/')).map((o) => o.key)).toEqual(['jobs/j10/original.pdf']);
      expect(await sut.deletePrefix('jobs/j1/')).toBe(0);
      await expect(sut.deletePrefix('')).rejects.toBeInstanceOf(InvalidObjectKeyError);
    });

    it.each(['', '../escape', 'a/../../b', '/etc/passwd', 'a//b', 'a/./b', 'a\\b', 'trailing/', 'nul\u0000byte', 'x'.repeat(1025)])(
      'refuses the key %j',
      async (key) => {
        await expect(sut.put(key, Buffer.from('x'))).rejects.toBeInstanceOf(InvalidObjectKeyError);
        await expect(sut.get(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
        await expect(sut.stat(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
        await expect(sut.delete(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
      },
    );

    it('refuses a list prefix that climbs out', async () => {
      await expect(sut.list('../')).rejects.toBeInstanceOf(InvalidObjectKeyError);
    });
  });
}

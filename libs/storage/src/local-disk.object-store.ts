import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, constants, mkdir, open, readdir, readFile, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertValidKey,
  assertValidPrefix,
  InvalidObjectKeyError,
  ObjectInfo,
  ObjectNotFoundError,
  ObjectStore,
  ObjectStoreError,
  PutOptions,
} from './object-store';

/**
 * The embedded default: objects as files under `<rootDir>/objects/<key>`. Writes go to
 * `<rootDir>/tmp/` first and are renamed into place (atomic on one filesystem), so a reader never
 * sees half an object and a crash leaves at most a stray temp file. Content types are not kept.
 *
 * One limit that S3 does not have: a key cannot be both an object and a "folder" of others
 * (`a` and `a/b`); such a put fails with an ObjectStoreError.
 */
export class LocalDiskObjectStore implements ObjectStore {
  readonly rootDir: string;
  private readonly objectsDir: string;
  private readonly tmpDir: string;
  private ready: Promise<void> | undefined;

  constructor(rootDir: string) {
    this.rootDir = resolve(rootDir);
    this.objectsDir = join(this.rootDir, 'objects');
    this.tmpDir = join(this.rootDir, 'tmp');
  }

  /** Creates the directories; every method calls it, so it need not be called first. */
  init(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(this.objectsDir, { recursive: true });
      await mkdir(this.tmpDir, { recursive: true });
    })();
    this.ready.catch(() => (this.ready = undefined));
    return this.ready;
  }

  async put(key: string, data: Buffer | Uint8Array | Readable, _options: PutOptions = {}): Promise<void> {
    const target = this.pathOf(key);
    await this.init();
    const temp = join(this.tmpDir, `${randomUUID()}.partial`);
    try {
      if (data instanceof Readable) {
        await pipeline(data, createWriteStream(temp, { flags: 'wx' }));
      } else {
        const handle = await open(temp, 'wx');
        try {
          await handle.writeFile(data);
          await handle.sync();
        } finally {
          await handle.close();
        }
      }
      await this.moveIntoPlace(temp, target, key);
    } catch (error) {
      await rm(temp, { force: true });
      if (error instanceof ObjectStoreError) throw error;
      throw new ObjectStoreError(`could not write ${key}: ${(error as Error).message}`, { cause: error });
    }
  }

  private async moveIntoPlace(temp: string, target: string, key: string): Promise<void> {
    // A concurrent delete may prune the parent folder between mkdir and rename: try again.
    for (let attempt = 0; ; attempt++) {
      try {
        await mkdir(dirname(target), { recursive: true });
        await rename(temp, target);
        return;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' && attempt < 5) continue;
        if (code === 'ENOTDIR' || code === 'EEXIST' || code === 'EISDIR') {
          throw new ObjectStoreError(`could not write ${key}: the key collides with an existing object or prefix`, {
            cause: error,
          });
        }
        throw error;
      }
    }
  }

  async get(key: string): Promise<Buffer> {
    const path = this.pathOf(key);
    try {
      return await readFile(path);
    } catch (error) {
      throw this.translate(error, key);
    }
  }

  async getStream(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    try {
      const handle = await open(path, 'r');
      const info = await handle.stat();
      if (!info.isFile()) {
        await handle.close();
        throw new ObjectNotFoundError(key);
      }
      return handle.createReadStream();
    } catch (error) {
      throw this.translate(error, key);
    }
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    const path = this.pathOf(key);
    try {
      const info = await stat(path);
      return info.isFile() ? { key, size: info.size } : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (error) {
      if (isMissing(error)) return;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EISDIR' || code === 'EPERM') {
        // The key names a "folder" of other objects, not an object: nothing to delete.
        const info = await stat(path).catch(() => null);
        if (!info || info.isDirectory()) return;
      }
      throw error;
    }
    await this.pruneEmptyParents(dirname(path));
  }

  async deletePrefix(prefix: string): Promise<number> {
    if (prefix === '') throw new InvalidObjectKeyError(prefix, 'deletePrefix needs a non-empty prefix');
    const objects = await this.list(prefix);
    for (const object of objects) await this.delete(object.key);
    return objects.length;
  }

  async list(prefix = ''): Promise<ObjectInfo[]> {
    assertValidPrefix(prefix);
    await this.init();
    // Start the walk at the deepest folder the prefix names; filter by the rest.
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const found: ObjectInfo[] = [];
    await this.walk(folder === '' ? this.objectsDir : join(this.objectsDir, ...folder.split('/')), prefix, found);
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private async walk(dir: string, prefix: string, found: ObjectInfo[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw error;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      const key = relative(this.objectsDir, path).split(sep).join('/');
      if (entry.isDirectory()) {
        if (key.startsWith(prefix) || prefix.startsWith(`${key}/`)) await this.walk(path, prefix, found);
      } else if (entry.isFile() && key.startsWith(prefix)) {
        const info = await stat(path).catch(() => null);
        if (info) found.push({ key, size: info.size });
      }
    }
  }

  async ping(): Promise<void> {
    await this.init();
    await access(this.objectsDir, constants.R_OK | constants.W_OK);
    await access(this.tmpDir, constants.R_OK | constants.W_OK);
  }

  /** Maps a validated key to its file, refusing anything that would land outside the root. */
  private pathOf(key: string): string {
    assertValidKey(key);
    const path = resolve(this.objectsDir, ...key.split('/'));
    if (!path.startsWith(this.objectsDir + sep)) throw new InvalidObjectKeyError(key, 'resolves outside the store');
    return path;
  }

  private async pruneEmptyParents(dir: string): Promise<void> {
    while (dir.startsWith(this.objectsDir + sep)) {
      try {
        await rmdir(dir);
      } catch {
        return; // not empty (or gone): stop climbing
      }
      dir = dirname(dir);
    }
  }

  private translate(error: unknown, key: string): Error {
    if (error instanceof ObjectStoreError) return error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return new ObjectNotFoundError(key, { cause: error });
    return error as Error;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

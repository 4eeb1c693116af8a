import { Client, S3Error } from 'minio';
import { Readable } from 'node:stream';
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

export interface S3ObjectStoreOptions {
  /** Host name or IP of the S3/MinIO endpoint, without scheme or port. */
  endPoint: string;
  /** Defaults to 443 with TLS, 80 without. */
  port?: number;
  /** Defaults to true. */
  useSSL?: boolean;
  /** Defaults to `us-east-1`. */
  region?: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
  /** Path-style URLs (`host/bucket/key`), as MinIO and most self-hosted servers need. Default true. */
  pathStyle?: boolean;
  /** Multipart part size in bytes (≥ 5 MiB); objects above it are uploaded in parts. Default 64 MiB. */
  partSize?: number;
}

const NOT_FOUND = new Set(['NoSuchKey', 'NotFound', 'NoSuchObject']);

/** S3 and MinIO through the `minio` client. `ensureBucket()` creates the bucket when missing. */
export class S3ObjectStore implements ObjectStore {
  readonly bucket: string;
  private readonly client: Client;
  private readonly region: string;

  constructor(options: S3ObjectStoreOptions) {
    this.bucket = options.bucket;
    this.region = options.region ?? 'us-east-1';
    this.client = new Client({
      endPoint: options.endPoint,
      port: options.port,
      useSSL: options.useSSL ?? true,
      region: this.region,
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      pathStyle: options.pathStyle ?? true,
      partSize: options.partSize ?? 64 * 1024 * 1024,
    });
  }

  /** Creates the bucket if it does not exist (safe to call from several replicas at once). */
  async ensureBucket(): Promise<void> {
    try {
      if (await this.client.bucketExists(this.bucket)) return;
      await this.client.makeBucket(this.bucket, this.region);
    } catch (error) {
      const code = (error as S3Error).code;
      if (code === 'BucketAlreadyOwnedByYou' || code === 'BucketAlreadyExists') return;
      throw this.wrap(error, `could not create bucket ${this.bucket}`);
    }
  }

  async put(key: string, data: Buffer | Uint8Array | Readable, options: PutOptions = {}): Promise<void> {
    assertValidKey(key);
    const metadata = options.contentType ? { 'Content-Type': options.contentType } : {};
    try {
      if (data instanceof Readable) {
        await this.client.putObject(this.bucket, key, data, options.size, metadata);
      } else {
        const body = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
        await this.client.putObject(this.bucket, key, body, body.length, metadata);
      }
    } catch (error) {
      throw this.wrap(error, `could not write ${key}`);
    }
  }

  async get(key: string): Promise<Buffer> {
    const stream = await this.getStream(key);
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of stream) chunks.push(chunk as Buffer);
    } catch (error) {
      throw this.wrap(error, `could not read ${key}`);
    }
    return Buffer.concat(chunks);
  }

  async getStream(key: string): Promise<Readable> {
    assertValidKey(key);
    try {
      return await this.client.getObject(this.bucket, key);
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(key, { cause: error });
      throw this.wrap(error, `could not read ${key}`);
    }
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    assertValidKey(key);
    try {
      const info = await this.client.statObject(this.bucket, key);
      return { key, size: info.size };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw this.wrap(error, `could not stat ${key}`);
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    try {
      await this.client.removeObject(this.bucket, key);
    } catch (error) {
      if (isNotFound(error)) return;
      throw this.wrap(error, `could not delete ${key}`);
    }
  }

  async deletePrefix(prefix: string): Promise<number> {
    if (prefix === '') throw new InvalidObjectKeyError(prefix, 'deletePrefix needs a non-empty prefix');
    const objects = await this.list(prefix);
    for (let i = 0; i < objects.length; i += 1000) {
      const batch = objects.slice(i, i + 1000).map((o) => o.key);
      try {
        const results = await this.client.removeObjects(this.bucket, batch);
        const failed = results.filter((r) => r && 'Error' in r && r.Error);
        if (failed.length > 0) {
          throw new ObjectStoreError(`could not delete ${failed.length} objects under ${prefix}: ${JSON.stringify(failed[0])}`);
        }
      } catch (error) {
        throw this.wrap(error, `could not delete objects under ${prefix}`);
      }
    }
    return objects.length;
  }

  async list(prefix = ''): Promise<ObjectInfo[]> {
    assertValidPrefix(prefix);
    const found: ObjectInfo[] = [];
    try {
      const stream = this.client.listObjectsV2(this.bucket, prefix, true);
      for await (const item of stream as AsyncIterable<{ name?: string; size: number }>) {
        if (item.name !== undefined) found.push({ key: item.name, size: item.size });
      }
    } catch (error) {
      throw this.wrap(error, `could not list ${prefix || 'the bucket'}`);
    }
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async ping(): Promise<void> {
    let exists: boolean;
    try {
      exists = await this.client.bucketExists(this.bucket);
    } catch (error) {
      throw this.wrap(error, `S3 endpoint unreachable`);
    }
    if (!exists) throw new ObjectStoreError(`bucket ${this.bucket} does not exist`);
  }

  private wrap(error: unknown, what: string): Error {
    if (error instanceof ObjectStoreError) return error;
    const code = (error as S3Error).code;
    return new ObjectStoreError(`${what}: ${code ? `${code}: ` : ''}${(error as Error).message}`, { cause: error });
  }
}

function isNotFound(error: unknown): boolean {
  const code = (error as S3Error).code;
  return code !== undefined && NOT_FOUND.has(code);
}

import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { LocalDiskObjectStore } from './local-disk.object-store';
import { ObjectStore, ObjectStoreError } from './object-store';
import { S3ObjectStore, S3ObjectStoreOptions } from './s3.object-store';

/**
 * Which object store to use, as one value an operator can put in one env var (`OBJECT_STORE_URL`):
 *
 * - `file:///var/lib/ocr/objects` or a plain path (`./data/objects`, resolved against the
 *   working directory): local disk, the embedded default.
 * - `s3://<accessKey>:<secretKey>@<host>[:<port>]/<bucket>[?region=…&pathStyle=true|false&partSize=…]`:
 *   S3 or MinIO over HTTPS; `s3+http://…` for plain HTTP (a MinIO in the same cluster).
 *   Key and secret are URL-encoded; `pathStyle` defaults to true (MinIO), use `false` for
 *   virtual-hosted AWS buckets; `partSize` in bytes or with a `mb` suffix (≥ 5mb).
 *
 * Or the same as an object (`{ driver: 'local', rootDir }` / `{ driver: 's3', … }`) for code that
 * assembles it from separate variables.
 */
export type ObjectStoreConfig = { driver: 'local'; rootDir: string } | ({ driver: 's3' } & S3ObjectStoreOptions);

export class InvalidObjectStoreUrlError extends ObjectStoreError {
  override readonly code = 'INVALID_OBJECT_STORE_URL';
}

const MIN_PART = 5 * 1024 * 1024;

export function parseObjectStoreUrl(text: string): ObjectStoreConfig {
  const value = text.trim();
  if (value === '') throw new InvalidObjectStoreUrlError('object store URL is empty');
  if (!/^[a-z][a-z0-9+.-]*:/i.test(value) || /^[a-z]:[\\/]/i.test(value)) {
    return { driver: 'local', rootDir: resolve(value) };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidObjectStoreUrlError('object store URL is not a valid URL');
  }
  switch (url.protocol) {
    case 'file:':
      return { driver: 'local', rootDir: fileURLToPath(url) };
    case 's3:':
    case 's3+https:':
    case 's3+http:':
      return parseS3(url);
    default:
      throw new InvalidObjectStoreUrlError(
        `object store URL has unsupported scheme ${url.protocol} (use file://, s3:// or s3+http://)`,
      );
  }
}

function parseS3(url: URL): ObjectStoreConfig {
  const useSSL = url.protocol !== 's3+http:';
  const bucket = decodeURIComponent(url.pathname.replace(/^\/+|\/+$/g, ''));
  const problems: string[] = [];
  if (!url.hostname) problems.push('a host');
  if (!bucket || bucket.includes('/')) problems.push('one bucket name as the path');
  if (!url.username || !url.password) problems.push('the access key and secret as user:password');
  if (problems.length > 0) {
    throw new InvalidObjectStoreUrlError(
      `S3 object store URL needs ${problems.join(', ')}: s3://<accessKey>:<secretKey>@<host>[:<port>]/<bucket>`,
    );
  }
  const pathStyle = url.searchParams.get('pathStyle');
  if (pathStyle !== null && pathStyle !== 'true' && pathStyle !== 'false') {
    throw new InvalidObjectStoreUrlError(`S3 object store URL: pathStyle must be true or false`);
  }
  let partSize: number | undefined;
  const part = url.searchParams.get('partSize');
  if (part !== null) {
    const m = /^(\d+)(mb)?$/i.exec(part.trim());
    partSize = m ? Number(m[1]) * (m[2] ? 1024 * 1024 : 1) : NaN;
    if (!Number.isSafeInteger(partSize) || partSize < MIN_PART) {
      throw new InvalidObjectStoreUrlError(`S3 object store URL: partSize must be at least 5mb (5242880 bytes)`);
    }
  }
  return {
    driver: 's3',
    endPoint: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    region: url.searchParams.get('region') ?? 'us-east-1',
    bucket,
    accessKey: decodeURIComponent(url.username),
    secretKey: decodeURIComponent(url.password),
    pathStyle: pathStyle === null ? true : pathStyle === 'true',
    ...(partSize !== undefined ? { partSize } : {}),
  };
}

/** The config with its secret blanked, for logs. */
export function describeObjectStore(config: ObjectStoreConfig): string {
  if (config.driver === 'local') return `local disk at ${config.rootDir}`;
  return `S3 bucket ${config.bucket} at ${config.useSSL === false ? 'http' : 'https'}://${config.endPoint}${config.port ? `:${config.port}` : ''}`;
}

/**
 * Builds the store the config names and makes it usable: creates the local root folders, or the
 * S3 bucket when missing. @throws InvalidObjectStoreUrlError, ObjectStoreError
 */
export async function createObjectStore(config: string | ObjectStoreConfig): Promise<ObjectStore> {
  const parsed = typeof config === 'string' ? parseObjectStoreUrl(config) : config;
  if (parsed.driver === 'local') {
    const store = new LocalDiskObjectStore(parsed.rootDir);
    await store.init();
    return store;
  }
  const { driver: _driver, ...options } = parsed;
  const store = new S3ObjectStore(options);
  await store.ensureBucket();
  return store;
}

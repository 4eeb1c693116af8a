import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';

/**
 * S3 for tests: `TEST_S3_URL` (e.g. `http://minioadmin:minioadmin@127.0.0.1:9000?region=us-east-1`,
 * an S3/MinIO endpoint with its access key and secret as the URL's user and password), else an
 * in-process `s3rver` on a free port with a temporary directory. Suites isolate themselves by
 * creating their own bucket (see `uniqueSuffix()`).
 */
export interface S3Endpoint {
  /** `http(s)://<accessKey>:<secretKey>@<host>:<port>` */
  url: string;
  endPoint: string;
  port: number;
  useSSL: boolean;
  accessKey: string;
  secretKey: string;
  region: string;
}

export interface S3Server extends S3Endpoint {
  /** Where s3rver keeps its buckets. */
  directory: string;
  /** Every request served, as `METHOD /path?query` (for tests that check which calls were made). */
  requests: string[];
  /** Closes the server and removes its directory. */
  stop(): Promise<void>;
}

/** The subset of s3rver's (untyped) API used here. */
interface S3rverInstance {
  middleware: Array<(ctx: KoaContext, next: () => Promise<void>) => Promise<void> | void>;
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;
interface KoaContext {
  method: string;
  url: string;
  path: string;
  query: Record<string, unknown>;
  status: number;
  type: string;
  body: unknown;
}

/**
 * s3rver does not implement ListMultipartUploads (`GET /<bucket>?uploads`), which minio-js calls
 * before every multipart upload to find one to resume. Answer with an empty list, as S3 does when
 * no upload is in progress.
 */
async function listMultipartUploads(ctx: KoaContext, next: () => Promise<void>): Promise<void> {
  const bucket = /^\/([^/]+)\/?$/.exec(ctx.path)?.[1];
  if (ctx.method !== 'GET' || !bucket || !('uploads' in ctx.query)) return next();
  ctx.status = 200;
  ctx.type = 'application/xml';
  ctx.body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    `<Bucket>${bucket}</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>` +
    '<NextKeyMarker></NextKeyMarker><NextUploadIdMarker></NextUploadIdMarker>' +
    '<MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>';
}

/** Starts an S3-protocol server (s3rver) in this process on a free port, storing in a temp dir. */
export async function startS3Server(): Promise<S3Server> {
  // s3rver ships no types; the constructor is described by S3rverConstructor above.
  const S3rver = require('s3rver') as S3rverConstructor;
  const port = await freePort();
  const directory = mkdtempSync(join(tmpdir(), 'ocr-test-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port, silent: true, directory, vhostBuckets: false });
  const requests: string[] = [];
  server.middleware.unshift(listMultipartUploads);
  server.middleware.unshift((ctx, next) => {
    requests.push(`${ctx.method} ${ctx.url}`);
    return next();
  });
  await server.run();
  const accessKey = 'S3RVER';
  const secretKey = 'S3RVER';
  let stopped = false;
  return {
    url: `http://${accessKey}:${secretKey}@127.0.0.1:${port}`,
    endPoint: '127.0.0.1',
    port,
    useSSL: false,
    accessKey,
    secretKey,
    region: 'us-east-1',
    directory,
    requests,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Parses an `http(s)://key:secret@host:port?region=…` endpoint URL (the `TEST_S3_URL` format). */
export function parseS3EndpointUrl(text: string): S3Endpoint {
  const u = new URL(text);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new Error(`TEST_S3_URL must be http(s)://<accessKey>:<secretKey>@<host>:<port>, got scheme ${u.protocol}`);
  }
  const useSSL = u.protocol === 'https:';
  return {
    url: `${u.protocol}//${u.username}:${u.password}@${u.host}`,
    endPoint: u.hostname,
    port: u.port ? Number(u.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: decodeURIComponent(u.username),
    secretKey: decodeURIComponent(u.password),
    region: u.searchParams.get('region') ?? 'us-east-1',
  };
}

let sharedEndpoint: Promise<S3Endpoint> | undefined;
let sharedServer: S3Server | undefined;

/** The S3 endpoint tests use: TEST_S3_URL, else one s3rver started for this process. */
export function s3Endpoint(): Promise<S3Endpoint> {
  sharedEndpoint ??= (async () => {
    if (process.env.TEST_S3_URL) return parseS3EndpointUrl(process.env.TEST_S3_URL);
    sharedServer = await startS3Server();
    return sharedServer;
  })();
  return sharedEndpoint;
}

/** Stops the s3rver `s3Endpoint()` started, if any. */
export async function stopSharedS3(): Promise<void> {
  await sharedServer?.stop();
  sharedServer = undefined;
  sharedEndpoint = undefined;
}

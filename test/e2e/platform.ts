import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { JetStreamBus } from '../../libs/messaging/src';
import { dropDatabaseOf } from '../../libs/testing/src/postgres';

export const ROOT = resolve(__dirname, '..', '..');

export interface StartedPlatform {
  url: string;
  token: string;
  billing: string;
  pids: Record<string, number>;
  dataDir: string;
  /** What the launcher printed when ready (nats, database, export, chat, workers, …). */
  ready: Record<string, unknown>;
  /** The NATS namespace of this platform's subjects and streams. */
  namespace: string;
  /** The environment the platform's apps were started with (besides the launcher's own). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts the whole platform the way a user does (scripts/platform.js, the README's start command
 * minus installing and building), in its own database, NATS namespace and data folder, so it never
 * collides with another run or with a platform already running on this machine.
 */
export async function startPlatform(options: { workers?: number; env?: Record<string, string> } = {}): Promise<StartedPlatform> {
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const namespace = `e2e${suffix}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'ocr-e2e-'));
  chmodSync(dataDir, 0o755); // an embedded Postgres started as root runs as `postgres` inside it
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'scripts/platform.js'),
      '--json',
      '--port', '0',
      '--billing-port', '0',
      '--data', dataDir,
      '--database', `e2e_${suffix}`,
      '--namespace', namespace,
      '--workers', String(options.workers ?? 1),
    ],
    { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const ready = await new Promise<Record<string, unknown>>((resolvePromise, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error('the platform did not become ready within 180 s')), 180_000);
    const said: string[] = [];
    lines.on('line', (line) => {
      said.push(line);
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(line);
      } catch {
        return;
      }
      if (event.event === 'ready') {
        clearTimeout(timer);
        resolvePromise(event);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the platform exited with ${code} before it was ready (logs in ${dataDir}/logs):\n${said.join('\n')}`));
    });
  });
  return {
    url: String(ready.url),
    token: String(ready.token),
    billing: String(ready.billing),
    pids: ready.pids as Record<string, number>,
    dataDir,
    ready,
    namespace,
    env: { ...options.env },
    stop: async () => {
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
      await dropLeftovers(ready, namespace);
    },
  };
}

/**
 * Drops what the platform left on servers that outlive it, when it used the machine's Postgres and
 * NATS: its database and its namespace's streams (else every run would add to them). Best effort:
 * servers the platform started itself are gone with it.
 */
async function dropLeftovers(ready: Record<string, unknown>, namespace: string): Promise<void> {
  if (typeof ready.database === 'string') await dropDatabaseOf(ready.database).catch(() => undefined);
  if (typeof ready.nats === 'string') {
    const bus = await JetStreamBus.connect({ servers: ready.nats, name: 'e2e-cleanup', namespace, connectDeadlineMs: 2_000, timeoutMs: 2_000 }).catch(() => null);
    await bus?.deleteStreams().catch(() => undefined);
    await bus?.close();
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((r) => {
    if (child.exitCode !== null) return r();
    child.once('exit', () => r());
    child.kill('SIGTERM');
  });
}

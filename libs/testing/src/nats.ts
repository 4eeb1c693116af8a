import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canConnect, freePort, uniqueSuffix, waitFor } from './ports';

/**
 * NATS for tests: TEST_NATS_URL, else the machine's server on 127.0.0.1:4222, else one spawned
 * for this process. Suites isolate themselves with `natsPrefix()` in stream and subject names.
 */
let sharedUrl: Promise<string> | undefined;
let sharedSpawned: SpawnedNats | undefined;

export function natsUrl(): Promise<string> {
  sharedUrl ??= (async () => {
    if (process.env.TEST_NATS_URL) return process.env.TEST_NATS_URL;
    if (await canConnect('127.0.0.1', 4222)) return 'nats://127.0.0.1:4222';
    sharedSpawned = await spawnNats();
    return sharedSpawned.url;
  })();
  return sharedUrl;
}

/** A prefix for stream names and subjects that no other test run uses. */
export function natsPrefix(label: string): string {
  return `t${label.replace(/[^a-z0-9]/gi, '').toLowerCase()}${uniqueSuffix()}`;
}

export interface SpawnedNats {
  url: string;
  port: number;
  storeDir: string;
  /** SIGKILLs the server; `start()` brings it back on the same port and store. */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function natsServerBinary(): string {
  return process.env.NATS_SERVER_BIN ?? 'nats-server';
}

/** Spawns a private nats-server with JetStream, for tests that must kill or restart it. */
export async function spawnNats(): Promise<SpawnedNats> {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'ocr-test-nats-'));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(natsServerBinary(), ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], {
      stdio: 'ignore',
    });
    child.once('error', () => undefined);
    // Never outlive the test process, even when a suite forgets to stop it.
    const current = child;
    process.once('exit', () => current.kill('SIGKILL'));
    await waitFor(() => canConnect('127.0.0.1', port), 10_000, `nats-server on port ${port}`);
  };
  const kill = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    kill,
    start,
    async stop() {
      await kill();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

export async function stopSharedNats(): Promise<void> {
  await sharedSpawned?.stop();
  sharedSpawned = undefined;
  sharedUrl = undefined;
}

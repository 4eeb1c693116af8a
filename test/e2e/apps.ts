import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '../../libs/testing/src/ports';
import { ROOT, StartedPlatform } from './platform';

/**
 * One app of a started platform run by the test itself (an extra OCR worker, or a gateway started
 * again after the test killed the launcher's), with the platform's connection settings, so a test
 * can start, SIGKILL and restart it. Its JSON log lines are kept for assertions.
 */
export interface AppProcess {
  name: string;
  readonly pid: number;
  /** Every log line, parsed (non-JSON lines as `{ msg: line }`). */
  readonly logs: Record<string, unknown>[];
  /** Resolves with the first log line (already seen or coming) that `match` accepts. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const started = new Set<AppProcess>();

/** The environment the launcher gives the platform's apps. */
export function platformEnv(p: StartedPlatform): Record<string, string> {
  return {
    ...p.env,
    DATABASE_URL: String(p.ready.database),
    NATS_URL: String(p.ready.nats),
    NATS_NAMESPACE: p.namespace,
    STORAGE_URL: `file://${join(p.dataDir, 'storage')}`,
    BILLING_GRPC_URL: p.billing,
    EXPORT_GRPC_URL: String(p.ready.export),
    CHAT_GRPC_URL: String(p.ready.chat),
  };
}

function spawnApp(name: string, entry: string, env: Record<string, string>): AppProcess {
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, entry)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        entry = { msg: line };
      }
      logs.push(entry);
      for (const w of [...waiters]) w();
    });
  }
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const app: AppProcess = {
    name,
    get pid() {
      return child.pid!;
    },
    logs,
    waitForLog(match, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = logs.find(match);
          if (!found) return false;
          clearTimeout(timer);
          waiters.delete(onLine);
          resolve(found);
          return true;
        };
        const onLine = () => void check();
        const timer = setTimeout(() => {
          waiters.delete(onLine);
          reject(new Error(`${name}: no such log line within ${timeoutMs} ms (last: ${JSON.stringify(logs.slice(-3))})`));
        }, timeoutMs);
        if (!check()) waiters.add(onLine);
      });
    },
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        await exited;
      }
      started.delete(app);
    },
  };
  started.add(app);
  return app;
}

async function waitReady(url: string, app: AppProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${app.name} was not ready within ${timeoutMs} ms (last log lines: ${JSON.stringify(app.logs.slice(-5))})`);
}

/** Starts one more OCR worker on the platform; resolves once it is ready (taking tasks). */
export async function startWorker(p: StartedPlatform, id: string, env: Record<string, string> = {}): Promise<AppProcess> {
  const port = await freePort();
  const app = spawnApp(id, 'apps/ocr-worker/dist/main.js', { ...platformEnv(p), WORKER_ID: id, WORKER_HTTP_PORT: String(port), WORKER_HOST: '127.0.0.1', ...env });
  await waitReady(`http://127.0.0.1:${port}/health/ready`, app);
  return app;
}

/** Starts a gateway on the platform's address (after the launcher's was killed); resolves once it is ready. */
export async function startGateway(p: StartedPlatform, env: Record<string, string> = {}): Promise<AppProcess> {
  const url = new URL(p.url);
  const app = spawnApp('gateway', 'apps/gateway/dist/main.js', { ...platformEnv(p), HOST: url.hostname, PORT: url.port, ...env });
  await waitReady(`${p.url}/health/ready`, app);
  return app;
}

/** SIGKILLs a process of the platform by pid and waits until it is gone. */
export async function killPid(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 200; i += 1) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`process ${pid} did not exit after SIGKILL`);
}

/** Stops every app the test started (for afterAll). */
export async function stopStartedApps(): Promise<void> {
  await Promise.all([...started].map((a) => a.kill('SIGTERM')));
}

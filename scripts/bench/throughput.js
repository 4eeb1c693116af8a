#!/usr/bin/env node
// Throughput of the whole started platform on a large scanned document (prints figures; not a test).
//
// Builds a 60-page image-only PDF from the page images of the evaluation set beside the project
// (../shared/eval/dev, read at run time and never committed), then:
//   1. the engine alone, in this process: each page rasterized and read exactly as a worker does
//      (rasterizePage + the routed PP-OCRv4/Tesseract engine, OCR_THREADS threads), one after another;
//   2. the platform (scripts/platform.js, fresh database, NATS namespace and data folder; both
//      dropped afterwards) for each --runs entry (N workers, tN = OCR_THREADS each): POST the
//      PDF, poll until done, sampling the gateway's RSS from /proc/<pid>/status.
// Prints pages per minute, time to the first finished page, overhead = end-to-end time ÷ the
// engine's own time (alone, and as timed inside the workers during the same run), the 2-worker
// speed-up, the gateway's RSS (start / max / end, and at every tenth of the run), and the CPU
// seconds each process (and the machine's NATS and Postgres) spent during the job.
//
//   pnpm build   # the apps run from dist/
//   node scripts/bench/throughput.js [--pages 60] [--eval ../shared/eval/dev] [--language en] [--runs 1,2,1t1,2t1] [--poll-ms 1000] [--engine false] [--engine-scaling true] [--after-gets N]
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createRequire } = require('node:module');
const readline = require('node:readline');

const ROOT = path.resolve(__dirname, '..', '..');
const args = Object.fromEntries(
  process.argv.slice(2).map((a, i, all) => (a.startsWith('--') ? [a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : 'true'] : null)).filter(Boolean),
);
const PAGES = Number(args.pages ?? 60);
const EVAL_DIR = path.resolve(ROOT, args.eval ?? '../shared/eval/dev');
const LANGUAGE = args.language ?? 'en';
const RUNS = args.runs === 'none' ? [] : String(args.runs ?? '1,2,1t1,2t1').split(',');
/** How often the client polls the job (GET returns every finished page's full result). */
const POLL_MS = Number(args['poll-ms'] ?? 1000);
/** GETs of the finished job after it ended, back to back (does the gateway's RSS keep growing with them?). */
const AFTER_GETS = Number(args['after-gets'] ?? 0);
const OCR_THREADS = Number(process.env.OCR_THREADS ?? 2);

// The worker's own dependencies (the same builds the workers run).
const workerRequire = createRequire(path.join(ROOT, 'apps/ocr-worker/package.json'));
const { PDFDocument } = require('pdf-lib');

function log(...a) {
  process.stderr.write(`[bench] ${a.join(' ')}\n`);
}

/** Printed pages of the evaluation set (receipts, articles, tables): JPEG and PNG files. */
function pageImages() {
  if (!fs.existsSync(EVAL_DIR)) throw new Error(`no evaluation set at ${EVAL_DIR} (pass --eval <dir>)`);
  const files = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(jpe?g|png)$/i.test(e.name) && /dev-[ACE]-/.test(p)) files.push(p);
    }
  };
  walk(EVAL_DIR);
  if (files.length === 0) throw new Error(`no dev-A/C/E page images under ${EVAL_DIR}`);
  return files;
}

/** An image-only PDF: each image over a whole page at 300 ppi (the worker renders it at its own pixels). */
async function scannedPdf(files, pages) {
  const doc = await PDFDocument.create();
  const embedded = new Map();
  for (let i = 0; i < pages; i += 1) {
    const file = files[i % files.length];
    if (!embedded.has(file)) {
      const bytes = fs.readFileSync(file);
      embedded.set(file, /\.png$/i.test(file) ? await doc.embedPng(bytes) : await doc.embedJpg(bytes));
    }
    const image = embedded.get(file);
    const page = doc.addPage([(image.width * 72) / 300, (image.height * 72) / 300]);
    page.drawImage(image, { x: 0, y: 0, width: page.getWidth(), height: page.getHeight() });
  }
  return Buffer.from(await doc.save());
}

/**
 * The engine alone on the given pages, sequentially, as one worker reads them. `ready`, when given,
 * is awaited after the warm-up and before the timed pages (to start several processes together).
 */
async function engineAlone(pdf, indices, threads = OCR_THREADS, ready = async () => undefined) {
  const { rasterizePage, textLayerToPage } = workerRequire('@ocr/documents');
  const { createPaddleEngine, RoutingEngine, TesseractEngine } = workerRequire('@ocr/ocr-engine');
  const paddle = await createPaddleEngine({ intraOpThreads: threads, maxPixels: 100_000_000 });
  const engine = new RoutingEngine({ paddle, tesseract: new TesseractEngine({ timeoutMs: 120_000 }) });
  try {
    // One warm-up page (model sessions), as a worker has read pages before.
    await engine.recognize((await rasterizePage(pdf, 0)).image, { language: LANGUAGE, timeoutMs: 120_000 });
    await ready();
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    for (const i of indices) {
      const page = await rasterizePage(pdf, i, { maxInputPixels: 100_000_000 });
      if (page.source === 'text-layer' && page.textLayer) textLayerToPage(page.textLayer);
      else await engine.recognize(page.image, { language: LANGUAGE, timeoutMs: 120_000 });
    }
    const cpu = process.cpuUsage(cpu0);
    return { seconds: (performance.now() - started) / 1000, cpuS: (cpu.user + cpu.system) / 1e6 };
  } finally {
    await engine.close().catch(() => undefined);
  }
}

const allPages = () => Array.from({ length: PAGES }, (_, i) => i);

/**
 * The engine's own scaling on this machine, the ceiling for the platform's: N processes of the
 * engine alone with one thread each, started together, each reading every Nth page.
 */
async function engineProcesses(n) {
  const children = Array.from({ length: n }, (_, part) =>
    spawn(process.execPath, [__filename, ...process.argv.slice(2), '--engine-child', `${part}/${n}`], { stdio: ['pipe', 'pipe', 'inherit'] }),
  );
  const lines = children.map((child) => readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]());
  for (const l of lines) if ((await l.next()).value !== 'ready') throw new Error('an engine process did not start');
  for (const child of children) child.stdin.write('go\n');
  const results = await Promise.all(lines.map(async (l) => JSON.parse((await l.next()).value)));
  return Math.max(...results.map((r) => r.seconds));
}

/** `--engine-child k/n`: one of `engineProcesses`' processes (1 thread, pages k, k+n, …). */
async function engineChild(pdf) {
  const [part, n] = args['engine-child'].split('/').map(Number);
  const input = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const result = await engineAlone(pdf, allPages().filter((i) => i % n === part), 1, async () => {
    process.stdout.write('ready\n');
    await input.next();
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

function startPlatform(workers, env) {
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocr-bench-'));
  fs.chmodSync(dataDir, 0o755);
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'scripts/platform.js'), '--json', '--port', '0', '--billing-port', '0', '--data', dataDir,
      '--database', `bench_${suffix}`, '--namespace', `bench${suffix}`, '--workers', String(workers)],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the platform did not become ready within 180 s')), 180_000);
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      let event;
      try { event = JSON.parse(line); } catch { return; }
      if (event.event === 'ready') {
        clearTimeout(timer);
        resolve({
          ...event,
          stop: () => new Promise((r) => {
            if (child.exitCode !== null) return r();
            child.once('exit', r);
            child.kill('SIGTERM');
          })
            .then(() => dropLeftovers(event, `bench${suffix}`))
            .then(() => fs.rmSync(dataDir, { recursive: true, force: true })),
        });
      }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the platform exited with ${code} (logs in ${dataDir}/logs)`)); });
  });
}

/**
 * Drops what the run left on servers that outlive it (the machine's Postgres and NATS, when the
 * launcher used them): its database and its namespace's streams. Best effort.
 */
async function dropLeftovers(event, namespace) {
  try {
    const { Client } = require(require.resolve('pg', { paths: [path.join(ROOT, 'libs/testing')] }));
    const url = new URL(event.database);
    const database = decodeURIComponent(url.pathname.slice(1));
    url.pathname = '/postgres';
    const admin = new Client({ connectionString: url.toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database.replace(/"/g, '')}" WITH (FORCE)`);
    await admin.end();
  } catch (e) {
    log(`could not drop the run's database: ${e.message}`);
  }
  try {
    const { JetStreamBus } = workerRequire('@ocr/messaging');
    const bus = await JetStreamBus.connect({ servers: event.nats, name: 'bench-cleanup', namespace, connectDeadlineMs: 5_000 });
    await bus.deleteStreams();
    await bus.close();
  } catch (e) {
    log(`could not delete the run's NATS streams: ${e.message}`);
  }
}

/** `status` and `pages_done` of a job's JSON, from its first bytes when they are there, else from the whole. */
function peekJob(body) {
  const start = body.subarray(0, 4096).toString('latin1');
  const status = /^\{"uuid":"[^"]*","status":"(\w+)"/.exec(start)?.[1];
  const done = /,"pages_done":(\d+),/.exec(start)?.[1];
  if (status && done) return { status, pages_done: Number(done) };
  const job = JSON.parse(body.toString('utf8'));
  return { status: job.status, pages_done: job.pages_done };
}

function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system, own and waited-for children) of a process, from /proc/<pid>/stat. */
function cpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14–17 of stat(5) (utime, stime, cutime, cstime), counted from field 3 here.
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
  } catch {
    return null;
  }
}

/** Pids of the machine's processes with this command name (the shared NATS and Postgres servers). */
function pidsNamed(name) {
  const out = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (fs.readFileSync(`/proc/${e}/comm`, 'utf8').trim() === name) out.push(Number(e));
    } catch { /* gone */ }
  }
  return out;
}

/** CPU seconds per platform process, plus NATS and Postgres (all their processes) and the bench itself. */
function cpuSnapshot(pids) {
  const snap = {};
  for (const [name, pid] of Object.entries(pids)) snap[name] = cpuSeconds(pid);
  snap.nats = pidsNamed('nats-server').reduce((s, pid) => s + (cpuSeconds(pid) ?? 0), 0);
  snap.postgres = pidsNamed('postgres').reduce((s, pid) => s + (cpuSeconds(pid) ?? 0), 0);
  snap.bench = process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6;
  return snap;
}

function cpuDelta(before, after) {
  const out = {};
  for (const k of Object.keys(after)) if (after[k] !== null && before[k] !== null && before[k] !== undefined) out[k] = after[k] - before[k];
  return out;
}

async function throughRun(pdf, workers, env) {
  const platform = await startPlatform(workers, env);
  const gatewayPid = platform.pids.gateway;
  const rss = [];
  const sampler = setInterval(() => { const v = rssMb(gatewayPid); if (v !== null) rss.push(v); }, 250);
  try {
    const auth = { Authorization: `Bearer ${platform.token}` };
    rss.push(rssMb(gatewayPid));
    const form = new FormData();
    form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'bench.pdf');
    form.append('language', LANGUAGE);
    const cpu0 = cpuSnapshot(platform.pids);
    const t0 = performance.now();
    const res = await fetch(`${platform.url}/api/v1/ocr/`, { method: 'POST', body: form, headers: auth });
    const submitted = await res.json();
    if (res.status !== 200) throw new Error(`POST answered ${res.status}: ${JSON.stringify(submitted)}`);
    const acceptedS = (performance.now() - t0) / 1000;
    let firstPageS = null;
    let job;
    let bodyBytes = 0;
    for (;;) {
      const body = Buffer.from(await (await fetch(`${platform.url}/api/v1/ocr/${submitted.uuid}/`, { headers: auth })).arrayBuffer());
      bodyBytes = body.length;
      // This client shares the two cores with the platform: it reads status and pages_done from
      // the start of the body (the gateway writes them before the pages) and parses the whole
      // job only once it has ended, instead of ~1 MB of JSON every second.
      const head = peekJob(body);
      if (firstPageS === null && head.pages_done > 0) firstPageS = (performance.now() - t0) / 1000;
      if (head.status === 'done' || head.status === 'failed') {
        job = JSON.parse(body.toString('utf8'));
        break;
      }
      // The time to the first page is measured to this resolution: poll quicker until it is seen.
      await new Promise((r) => setTimeout(r, firstPageS === null ? 100 : POLL_MS));
    }
    const totalS = (performance.now() - t0) / 1000;
    const cpu = cpuDelta(cpu0, cpuSnapshot(platform.pids));
    clearInterval(sampler);
    rss.push(rssMb(gatewayPid));
    const afterGets = [];
    for (let i = 1; i <= AFTER_GETS; i += 1) {
      await (await fetch(`${platform.url}/api/v1/ocr/${submitted.uuid}/`, { headers: auth })).arrayBuffer();
      if (i % Math.max(1, Math.floor(AFTER_GETS / 5)) === 0) afterGets.push([i, rssMb(gatewayPid)]);
    }
    const workerS = job.pages.reduce((s, p) => s + (p.timings_ms?.total ?? 0), 0) / 1000;
    // The engine's own time inside the workers, in this same run: rasterizing plus every stage the
    // engine times (not the worker's `total`, which adds fetching the upload and storing the image).
    const engineInRunS = job.pages.reduce((s, p) => s + Object.entries(p.timings_ms ?? {}).reduce((t, [k, v]) => (k === 'total' ? t : t + v), 0), 0) / 1000;
    const failed = job.pages.filter((p) => p.error).length;
    return { workers, env, status: job.status, failed, bodyBytes, totalS, acceptedS, firstPageS, workerS, ppm: (PAGES / totalS) * 60, engineInRunS, cpu, rss: rss.filter((v) => v !== null), afterGets };
  } finally {
    clearInterval(sampler);
    await platform.stop();
  }
}

function fmt(n, d = 2) {
  return n === null || n === undefined ? 'n/a' : n.toFixed(d);
}

async function main() {
  const files = pageImages();
  log(`${files.length} page images from ${EVAL_DIR}; building a ${PAGES}-page scanned PDF`);
  const pdf = await scannedPdf(files, PAGES);
  if (args['engine-child']) return engineChild(pdf);
  log(`PDF: ${(pdf.length / 1024 / 1024).toFixed(1)} MB; language=${LANGUAGE}; ${os.cpus().length} cores`);

  // --engine false skips the in-process engine run (quick platform-only runs; no overhead figure).
  const skipEngine = args.engine === 'false';
  if (!skipEngine) log(`engine alone in-process (OCR_THREADS=${OCR_THREADS}) …`);
  const { seconds: engineS, cpuS: engineCpuS } = skipEngine ? { seconds: null, cpuS: null } : await engineAlone(pdf, allPages());
  if (!skipEngine) log(`engine alone: ${fmt(engineS)} s (${fmt((PAGES / engineS) * 60, 1)} pages/min), ${fmt(engineCpuS, 1)} CPU s`);

  // --engine-scaling true: the engine alone in one 1-thread process, then in two at once.
  let scaling = null;
  if (args['engine-scaling'] === 'true') {
    log('engine alone, one 1-thread process …');
    const one = await engineProcesses(1);
    log('engine alone, two 1-thread processes at once …');
    const two = await engineProcesses(2);
    scaling = { one, two };
  }

  const results = [];
  for (const run of RUNS) {
    const [, n, threads] = /^(\d+)(?:t(\d+))?$/.exec(run) ?? [];
    if (!n) throw new Error(`bad --runs entry ${run} (e.g. 1, 2, 2t1)`);
    // Always explicit: the launcher otherwise shares the cores between the workers by itself.
    const env = { OCR_THREADS: threads ?? String(OCR_THREADS) };
    log(`platform with ${n} worker(s)${threads ? `, OCR_THREADS=${threads}` : ''} …`);
    const r = await throughRun(pdf, Number(n), env);
    log(`  ${r.status}, ${fmt(r.totalS)} s, ${fmt(r.ppm, 1)} pages/min`);
    results.push({ run, ...r });
  }

  const one = results.find((r) => r.workers === 1 && r.env.OCR_THREADS === String(OCR_THREADS));
  const scalingLine = scaling
    ? [`engine alone, 1 thread: one process ${fmt(scaling.one)} s = ${fmt((PAGES / scaling.one) * 60, 1)} pages/min; two processes at once (every other page each) ${fmt(scaling.two)} s = ${fmt((PAGES / scaling.two) * 60, 1)} pages/min = ${fmt(scaling.one / scaling.two)}× (the ceiling for 2 workers × 1 thread)`]
    : [];
  const lines = [
    `pages: ${PAGES} (image-only PDF from ${path.relative(ROOT, EVAL_DIR)}), language=${LANGUAGE}, ${os.cpus().length} cores`,
    ...scalingLine,
    skipEngine ? 'engine alone: not run (--engine false)' : `engine alone (rasterize + OCR, in-process, ${OCR_THREADS} threads): ${fmt(engineS)} s = ${fmt((PAGES / engineS) * 60, 1)} pages/min, ${fmt(engineCpuS, 1)} CPU s`,
  ];
  for (const r of results) {
    const threads = r.env.OCR_THREADS ?? String(OCR_THREADS);
    const series = Array.from({ length: 11 }, (_, k) => r.rss[Math.round((k * (r.rss.length - 1)) / 10)]);
    const rss = r.rss.length
      ? `final GET body ${fmt(r.bodyBytes / 1024 / 1024, 1)} MB; gateway RSS ${fmt(r.rss[0], 0)} → max ${fmt(Math.max(...r.rss), 0)} → end ${fmt(r.rss.at(-1), 0)} MB ` +
        `(at every tenth of the run: ${series.map((v) => fmt(v, 0)).join(' ')})` +
        (r.afterGets.length ? `; then, GETs of the finished job: ${r.afterGets.map(([n, v]) => `${n} → ${fmt(v, 0)} MB`).join(', ')}` : '')
      : 'gateway RSS n/a';
    const parts = [
      `${r.workers} worker(s) × ${threads} thread(s): ${r.status}${r.failed ? ` (${r.failed} pages failed)` : ''} in ${fmt(r.totalS)} s = ${fmt(r.ppm, 1)} pages/min`,
      `POST answered in ${fmt(r.acceptedS)} s, first page ${fmt(r.firstPageS)} s`,
      `Σ pages' timings.total ${fmt(r.workerS)} s`,
    ];
    if (r.workers === 1 && !skipEngine) parts.push(`overhead (end-to-end ÷ engine alone) ${fmt(r.totalS / engineS)}`);
    // The same ratio against the engine's own time measured inside the worker(s) during this run:
    // blind to CPU the rest of the platform takes from the engine, but not to a machine whose
    // speed changed between the engine-alone run and this one (other work on it).
    parts.push(`end-to-end × workers ÷ the engine's own time in this run ${fmt((r.totalS * r.workers) / r.engineInRunS)}`);
    const sameThreads = results.find((o) => o.workers === 1 && (o.env.OCR_THREADS ?? '') === (r.env.OCR_THREADS ?? ''));
    if (r.workers > 1 && sameThreads) parts.push(`speed-up vs 1 worker of the same threads ${fmt(r.ppm / sameThreads.ppm)}×`);
    if (r.workers > 1 && one && one !== sameThreads) parts.push(`vs 1 worker × ${OCR_THREADS} threads ${fmt(r.ppm / one.ppm)}×`);
    parts.push(rss);
    parts.push(`CPU s during the job: ${Object.entries(r.cpu).filter(([, v]) => v >= 0.05).map(([k, v]) => `${k} ${fmt(v, 1)}`).join(', ')}`);
    lines.push(parts.join('; '));
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((e) => {
  process.stderr.write(`[bench] failed: ${e.stack ?? e.message}\n`);
  process.exit(1);
});

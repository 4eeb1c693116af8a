#!/usr/bin/env node
// Throughput of the whole started platform on a large scanned document (prints figures; not a test).
//
// Builds a 60-page image-only PDF from the page images of the evaluation set beside the project
// (../shared/eval/dev, read at run time and never committed), then:
//   1. the engine alone, in this process: each page rasterized and read exactly as a worker does
//      (rasterizePage + the routed PP-OCRv4/Tesseract engine, OCR_THREADS threads), one after another;
//   2. the platform (scripts/platform.js, fresh database, NATS namespace and data folder) with
//      1 worker, then 2 workers, then 2 workers with OCR_THREADS=1 each: POST the PDF, poll until
//      done, sampling the gateway's RSS from /proc/<pid>/status.
// Prints pages per minute, time to the first finished page, overhead = end-to-end time ÷ the
// engine's own time, the 2-worker speed-up, and the gateway's RSS (start / max / end).
//
//   pnpm build   # the apps run from dist/
//   node scripts/bench/throughput.js [--pages 60] [--eval ../shared/eval/dev] [--language en] [--runs 1,2,1t1,2t1] [--poll-ms 1000]
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
const RUNS = String(args.runs ?? '1,2,1t1,2t1').split(',');
/** How often the client polls the job (GET returns every finished page's full result). */
const POLL_MS = Number(args['poll-ms'] ?? 1000);
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

/** The engine alone on every page, sequentially, as one worker reads them. */
async function engineAlone(pdf, pages) {
  const { rasterizePage, textLayerToPage } = workerRequire('@ocr/documents');
  const { createPaddleEngine, RoutingEngine, TesseractEngine } = workerRequire('@ocr/ocr-engine');
  const paddle = await createPaddleEngine({ intraOpThreads: OCR_THREADS, maxPixels: 100_000_000 });
  const engine = new RoutingEngine({ paddle, tesseract: new TesseractEngine({ timeoutMs: 120_000 }) });
  try {
    // One warm-up page (model sessions), as a worker has read pages before.
    await engine.recognize((await rasterizePage(pdf, 0)).image, { language: LANGUAGE, timeoutMs: 120_000 });
    const started = performance.now();
    for (let i = 0; i < pages; i += 1) {
      const page = await rasterizePage(pdf, i, { maxInputPixels: 100_000_000 });
      if (page.source === 'text-layer' && page.textLayer) textLayerToPage(page.textLayer);
      else await engine.recognize(page.image, { language: LANGUAGE, timeoutMs: 120_000 });
    }
    return (performance.now() - started) / 1000;
  } finally {
    await engine.close().catch(() => undefined);
  }
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
          }).then(() => fs.rmSync(dataDir, { recursive: true, force: true })),
        });
      }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the platform exited with ${code} (logs in ${dataDir}/logs)`)); });
  });
}

function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
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
    const t0 = performance.now();
    const res = await fetch(`${platform.url}/api/v1/ocr/`, { method: 'POST', body: form, headers: auth });
    const submitted = await res.json();
    if (res.status !== 200) throw new Error(`POST answered ${res.status}: ${JSON.stringify(submitted)}`);
    const acceptedS = (performance.now() - t0) / 1000;
    let firstPageS = null;
    let job;
    let bodyBytes = 0;
    for (;;) {
      const body = await (await fetch(`${platform.url}/api/v1/ocr/${submitted.uuid}/`, { headers: auth })).text();
      job = JSON.parse(body);
      bodyBytes = body.length;
      if (firstPageS === null && job.pages_done > 0) firstPageS = (performance.now() - t0) / 1000;
      if (job.status === 'done' || job.status === 'failed') break;
      // The time to the first page is measured to this resolution: poll quicker until it is seen.
      await new Promise((r) => setTimeout(r, firstPageS === null ? 100 : POLL_MS));
    }
    const totalS = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    rss.push(rssMb(gatewayPid));
    const workerS = job.pages.reduce((s, p) => s + (p.timings_ms?.total ?? 0), 0) / 1000;
    const failed = job.pages.filter((p) => p.error).length;
    return { workers, env, status: job.status, failed, bodyBytes, totalS, acceptedS, firstPageS, workerS, ppm: (PAGES / totalS) * 60, rss: rss.filter((v) => v !== null) };
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
  log(`PDF: ${(pdf.length / 1024 / 1024).toFixed(1)} MB; language=${LANGUAGE}; ${os.cpus().length} cores`);

  log(`engine alone in-process (OCR_THREADS=${OCR_THREADS}) …`);
  const engineS = await engineAlone(pdf, PAGES);
  log(`engine alone: ${fmt(engineS)} s (${fmt((PAGES / engineS) * 60, 1)} pages/min)`);

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
  const lines = [
    `pages: ${PAGES} (image-only PDF from ${path.relative(ROOT, EVAL_DIR)}), language=${LANGUAGE}, ${os.cpus().length} cores`,
    `engine alone (rasterize + OCR, in-process, ${OCR_THREADS} threads): ${fmt(engineS)} s = ${fmt((PAGES / engineS) * 60, 1)} pages/min`,
  ];
  for (const r of results) {
    const threads = r.env.OCR_THREADS ?? String(OCR_THREADS);
    const rss = r.rss.length ? `final GET body ${fmt(r.bodyBytes / 1024 / 1024, 1)} MB; gateway RSS ${fmt(r.rss[0], 0)} → max ${fmt(Math.max(...r.rss), 0)} → end ${fmt(r.rss.at(-1), 0)} MB` : 'gateway RSS n/a';
    const parts = [
      `${r.workers} worker(s) × ${threads} thread(s): ${r.status}${r.failed ? ` (${r.failed} pages failed)` : ''} in ${fmt(r.totalS)} s = ${fmt(r.ppm, 1)} pages/min`,
      `POST answered in ${fmt(r.acceptedS)} s, first page ${fmt(r.firstPageS)} s`,
      `Σ pages' timings.total ${fmt(r.workerS)} s`,
    ];
    if (r.workers === 1) parts.push(`overhead (end-to-end ÷ engine alone) ${fmt(r.totalS / engineS)}`);
    const sameThreads = results.find((o) => o.workers === 1 && (o.env.OCR_THREADS ?? '') === (r.env.OCR_THREADS ?? ''));
    if (r.workers > 1 && sameThreads) parts.push(`speed-up vs 1 worker of the same threads ${fmt(r.ppm / sameThreads.ppm)}×`);
    if (r.workers > 1 && one && one !== sameThreads) parts.push(`vs 1 worker × ${OCR_THREADS} threads ${fmt(r.ppm / one.ppm)}×`);
    parts.push(rss);
    lines.push(parts.join('; '));
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((e) => {
  process.stderr.write(`[bench] failed: ${e.stack ?? e.message}\n`);
  process.exit(1);
});

/**
 * Chat benchmark on SROIE receipts (ICDAR 2019, third-party key files: company, date, address,
 * total). Starts the platform the way a user does (scripts/platform.js, its own database, NATS
 * namespace and data folder) unless BENCH_URL and BENCH_TOKEN name a running one, OCRs each
 * receipt through the gateway, asks four answerable questions and one it cannot answer, and prints
 * accuracy, citation validity and answer latency.
 *
 *   pnpm build && node apps/chat-service/dist/bench/sroie.bench.js [evalDir=../shared/eval/dev]
 *
 * Scoring, per answerable question: the answer contains the key value after removing whitespace
 * and lowercasing ("strict"); every citation is on the receipt's page and its snippet stands
 * verbatim in that page's text. Also printed: the same with punctuation ignored, and the "OCR
 * ceiling" (questions whose key value stands in the OCR text at all, strict), which separates
 * answerer misses from OCR misreads. Unanswerable: declined with no citation.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(__dirname, '..', '..', '..', '..');

interface Key {
  company: string;
  date: string;
  address: string;
  total: string;
}
interface Receipt {
  id: string;
  image: string;
  /** The entry's language hint, sent as `language` (as the accuracy bench does). */
  lang: string;
  key: Key;
}
interface Citation {
  page: number;
  snippet: string;
  bbox: number[];
}
interface Answer {
  conversation: string;
  message: { role: string; content: string; citations: Citation[] };
}
interface JobDoc {
  uuid: string;
  status: string;
  pages: { index: number; text: string }[];
}

const QUESTIONS: { field: keyof Key; text: string }[] = [
  { field: 'total', text: 'What is the total?' },
  { field: 'date', text: 'What is the date?' },
  { field: 'company', text: 'Which company issued this receipt?' },
  { field: 'address', text: 'What is the address?' },
];
/** Questions no receipt answers; one per receipt, in turn. */
const UNANSWERABLE = [
  'What is the name of the pilot?',
  "What is the patient's blood type?",
  'What is the interest rate of the loan?',
  'What is the wifi password?',
];

const strict = (s: string) => s.replace(/\s+/g, '').toLowerCase();
const loose = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

function receipts(evalDir: string): Receipt[] {
  const index = JSON.parse(readFileSync(join(evalDir, 'index.json'), 'utf8')) as {
    entries: { id: string; category: string; lang?: string; local?: { image?: string[]; extra_gt?: string[] } }[];
  };
  const out: Receipt[] = [];
  for (const e of index.entries) {
    if (!/sroie/i.test(e.id)) continue;
    const images = e.local?.image ?? [];
    const keys = e.local?.extra_gt ?? [];
    // Only entries with one key file per page image can be scored (the E bundle has none).
    if (keys.length === 0 || keys.length !== images.length) {
      process.stderr.write(`skipping ${e.id}: no key file per page\n`);
      continue;
    }
    images.forEach((image, i) =>
      out.push({ id: images.length > 1 ? `${e.id}/${basename(image)}` : e.id, image: join(evalDir, image), lang: e.lang ?? 'auto', key: JSON.parse(readFileSync(join(evalDir, keys[i]!), 'utf8')) as Key }),
    );
  }
  return out;
}

async function startPlatform(): Promise<{ url: string; token: string; stop(): Promise<void> }> {
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'ocr-chat-bench-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, 'scripts/platform.js'), '--json', '--port', '0', '--billing-port', '0', '--data', dataDir, '--database', `bench_${suffix}`, '--namespace', `bench${suffix}`, '--workers', '2'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const ready = await new Promise<{ url: string; token: string }>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('the platform was not ready within 180 s')), 180_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const event = JSON.parse(line) as { event?: string; url?: string; token?: string };
        if (event.event === 'ready') {
          clearTimeout(timer);
          ok({ url: event.url!, token: event.token! });
        }
      } catch {
        /* not a JSON line */
      }
    });
    child.once('exit', (code) => fail(new Error(`the platform exited with ${code} (logs in ${dataDir}/logs)`)));
  });
  return {
    ...ready,
    stop: () =>
      new Promise<void>((done) => {
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }).then(() => rmSync(dataDir, { recursive: true, force: true })),
  };
}

async function ocr(url: string, token: string, image: string, language: string): Promise<JobDoc> {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(image)]), basename(image));
  form.append('language', language);
  const res = await fetch(`${url}/api/v1/ocr/`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
  const job = (await res.json()) as JobDoc;
  if (res.status !== 200 || job.status !== 'done') throw new Error(`OCR of ${image} answered ${res.status} ${JSON.stringify(job).slice(0, 200)}`);
  return job;
}

async function ask(url: string, token: string, jobId: string, message: string): Promise<{ answer: Answer; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${url}/api/v1/chat/${jobId}/`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ message }),
  });
  const body = (await res.json()) as Answer;
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`chat answered ${res.status}: ${JSON.stringify(body)}`);
  return { answer: body, ms };
}

function citationsValid(job: JobDoc, citations: Citation[], expectedPage: number): boolean {
  return citations.length > 0 && citations.every((c) => c.page === expectedPage && (job.pages[c.page - 1]?.text ?? '').includes(c.snippet));
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

const pct = (n: number, d: number) => `${n}/${d} (${d === 0 ? '-' : ((100 * n) / d).toFixed(1)}%)`;

async function main(): Promise<void> {
  const evalDir = resolve(process.argv[2] ?? join(ROOT, '..', 'shared', 'eval', 'dev'));
  if (!existsSync(join(evalDir, 'index.json'))) throw new Error(`no evaluation set at ${evalDir} (index.json missing)`);
  const list = receipts(evalDir);
  if (list.length === 0) throw new Error(`no SROIE receipts with key files in ${evalDir}`);
  const given = process.env.BENCH_URL && process.env.BENCH_TOKEN ? { url: process.env.BENCH_URL, token: process.env.BENCH_TOKEN, stop: async () => undefined } : null;
  const platform = given ?? (await startPlatform());
  const latencies: number[] = [];
  let answerable = 0;
  let right = 0;
  let rightLoose = 0;
  let ceiling = 0;
  let rightWithinCeiling = 0;
  let unanswerable = 0;
  let declined = 0;
  const byField = new Map<string, { right: number; total: number }>();
  try {
    for (const [i, receipt] of list.entries()) {
      const job = await ocr(platform.url, platform.token, receipt.image, receipt.lang);
      const pageText = job.pages.map((p) => p.text).join('\n');
      for (const q of QUESTIONS) {
        const { answer, ms } = await ask(platform.url, platform.token, job.uuid, q.text);
        latencies.push(ms);
        const value = receipt.key[q.field];
        const contains = strict(answer.message.content).includes(strict(value));
        const valid = citationsValid(job, answer.message.citations, 1);
        const inOcr = strict(pageText).includes(strict(value));
        const ok = contains && valid;
        answerable++;
        if (ok) right++;
        if (loose(answer.message.content).includes(loose(value)) && valid) rightLoose++;
        if (inOcr) ceiling++;
        if (inOcr && ok) rightWithinCeiling++;
        const f = byField.get(q.field) ?? { right: 0, total: 0 };
        byField.set(q.field, { right: f.right + (ok ? 1 : 0), total: f.total + 1 });
        process.stdout.write(
          `${ok ? 'ok  ' : inOcr ? 'MISS' : 'ocr '} ${receipt.id} ${q.field.padEnd(7)} ${ms.toFixed(0).padStart(4)} ms  key=${JSON.stringify(value)}  answer=${JSON.stringify(answer.message.content)}${valid ? '' : '  [citation invalid]'}\n`,
        );
      }
      const question = UNANSWERABLE[i % UNANSWERABLE.length]!;
      const { answer, ms } = await ask(platform.url, platform.token, job.uuid, question);
      latencies.push(ms);
      unanswerable++;
      const wasDeclined = answer.message.citations.length === 0;
      if (wasDeclined) declined++;
      process.stdout.write(`${wasDeclined ? 'ok  ' : 'MISS'} ${receipt.id} decline ${ms.toFixed(0).padStart(4)} ms  ${JSON.stringify(question)} → ${JSON.stringify(answer.message.content)}\n`);
    }
  } finally {
    await platform.stop();
  }
  process.stdout.write('\n');
  process.stdout.write(`receipts: ${list.length} (${evalDir})\n`);
  process.stdout.write(`answerable right with valid citations (strict: spaces and case normalized): ${pct(right, answerable)}\n`);
  for (const [field, f] of byField) process.stdout.write(`  ${field}: ${pct(f.right, f.total)}\n`);
  process.stdout.write(`answerable right with valid citations (punctuation also ignored): ${pct(rightLoose, answerable)}\n`);
  process.stdout.write(`OCR ceiling (key value stands in the OCR text, strict): ${pct(ceiling, answerable)}; answerer right on those: ${pct(rightWithinCeiling, ceiling)}\n`);
  process.stdout.write(`unanswerable declined without citation: ${pct(declined, unanswerable)}\n`);
  process.stdout.write(`answer latency over HTTP (gateway → chat-service), ${latencies.length} questions: p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`chat bench failed: ${(error as Error).message}\n`);
  process.exit(1);
});

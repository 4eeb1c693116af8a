/**
 * Accuracy and speed benchmark of the PP-OCRv4 engine over an evaluation folder.
 *
 *   pnpm bench:accuracy [evalDir=../shared/eval/dev] [outDir=bench-out/accuracy]
 *
 * Reads `<evalDir>/index.json`, reads every entry's pages (images as they are; PDFs from their
 * `render-N.png` pages when present, else rasterized by `@ocr/documents`' `rasterizePage` as the worker
 * does, at a resolution that follows the embedded scan's own; born-digital pages, whose text layer the
 * worker would use, are rendered at 200 dpi with poppler's `pdftoppm`), runs the
 * engine with the entry's `lang` as the hint, writes `<outDir>/<id>.txt` (pages joined by \f),
 * scores the folder with `score.py` (next to evalDir, or $SCORE_PY) and prints, per category,
 * mean CER and word F1 (case-insensitive), word recall, seconds per page and the peak RSS; the
 * same figures go to `<outDir>/summary.json`. Where `lines.json` line boxes exist for an image
 * entry, lines are matched by IoU ≥ 0.5 and CER is reported for lines with confidence ≥ 0.9
 * against lines below it (the calibration check).
 *
 * BENCH_LANGUAGE=auto reads every entry with script detection instead of its hint; BENCH_ONLY=<regexp>
 * keeps the entries whose id matches; BENCH_PIPELINE=<json> overrides pipeline settings; BENCH_FOLD=false
 * loads the models as packaged (without `foldAffineChains`); OCR_THREADS
 * sets onnxruntime's threads (default 2).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DocumentError, rasterizePage, type Line, type PageOcr } from '@ocr/documents';
import type { RasterImage } from '../engine';
import { DEFAULT_PIPELINE, mergePipeline, type PipelineOptions } from '../options';
import { createPaddleEngine } from '../paddle-engine';
import { RoutingEngine } from '../router/routing.engine';
import { TesseractEngine } from '../tesseract/tesseract.engine';
import { decodeImage } from '../pipeline/load/load';

interface Entry {
  id: string;
  category: string;
  lang: string;
  local: { image: string[]; pdf?: string[] | string };
}

interface PageRun {
  entry: string;
  category: string;
  ms: number;
  /** CPU seconds of this process and its finished children (Tesseract) while reading the page. */
  cpuMs: number;
  timings: Record<string, number>;
  lines: Line[];
  error?: string;
}

function parsePpm(buf: Buffer): RasterImage {
  // Binary PPM (P6) / PGM (P5): magic, width, height, maxval, one whitespace, pixels.
  const tokens: string[] = [];
  let i = 0;
  while (tokens.length < 4) {
    while (/\s/.test(String.fromCharCode(buf[i]!))) i++;
    if (buf[i] === 0x23) {
      while (buf[i] !== 0x0a) i++;
      continue;
    }
    let t = '';
    while (!/\s/.test(String.fromCharCode(buf[i]!))) t += String.fromCharCode(buf[i++]!);
    tokens.push(t);
  }
  i++;
  const [magic, w, h] = tokens;
  const channels = magic === 'P6' ? 3 : 1;
  return { data: buf.subarray(i), width: Number(w), height: Number(h), channels };
}

/** Render one PDF page at 200 dpi with poppler's `pdftoppm` (born-digital pages, see `pagesOf`). */
function renderWithPdftoppm(pdf: string, pageIndex: number): RasterImage {
  const tmp = mkdtempSync(join(tmpdir(), 'ocr-bench-'));
  try {
    execFileSync('pdftoppm', ['-r', '200', '-f', String(pageIndex + 1), '-l', String(pageIndex + 1), pdf, join(tmp, 'p')]);
    const file = readdirSync(tmp).find((f) => /\.p[pg]m$/.test(f));
    if (!file) throw new Error(`pdftoppm rendered nothing for page ${pageIndex + 1} of ${pdf}`);
    return parsePpm(readFileSync(join(tmp, file)));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function pagesOf(evalDir: string, entry: Entry): Promise<RasterImage[]> {
  const pdfs = entry.local.pdf ? [entry.local.pdf].flat() : entry.local.image.filter((p) => p.toLowerCase().endsWith('.pdf'));
  if (pdfs.length > 0) {
    const pdf = join(evalDir, pdfs[0]!);
    const renders = readdirSync(dirname(pdf))
      .filter((f) => /^render-\d+\.png$/.test(f))
      .sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0]));
    if (renders.length > 0) return Promise.all(renders.map(async (f) => decodeImage(readFileSync(join(dirname(pdf), f)))));
    // The platform's own rasterizer, as the worker runs it: a scanned page at a resolution that follows
    // the embedded scan's own. A page the worker would not OCR (its text layer is used) is rendered at
    // 200 dpi instead, so that OCR is what is measured.
    const bytes = readFileSync(pdf);
    const pages: RasterImage[] = [];
    for (let index = 0; ; index++) {
      try {
        const page = await rasterizePage(bytes, index);
        pages.push(page.source === 'ocr' ? page.image : renderWithPdftoppm(pdf, index));
      } catch (err) {
        if (err instanceof DocumentError && err.code === 'page_out_of_range') break;
        throw err;
      }
    }
    return pages;
  }
  return Promise.all(entry.local.image.map((p) => decodeImage(readFileSync(join(evalDir, p)))));
}

function levenshtein(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

const iou = (a: number[], b: number[]) => {
  const ix = Math.max(0, Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!));
  const iy = Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));
  const inter = ix * iy;
  const area = (r: number[]) => (r[2]! - r[0]!) * (r[3]! - r[1]!);
  return inter / (area(a) + area(b) - inter || 1);
};

/** CPU time used so far by this process and its waited-for children (Tesseract), from /proc (Linux). */
function cpuMsSoFar(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name: utime is field 14, stime 15, cutime 16, cstime 17 (1-based).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
}

const norm = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase();

async function main() {
  const evalDir = resolve(process.argv[2] ?? '../shared/eval/dev');
  const outDir = resolve(process.argv[3] ?? 'bench-out/accuracy');
  const scorePy = process.env.SCORE_PY ?? [join(evalDir, 'score.py'), join(dirname(evalDir), 'score.py')].find(existsSync);
  const index = JSON.parse(readFileSync(join(evalDir, 'index.json'), 'utf8')) as { entries: Entry[] };
  // BENCH_ONLY: a regular expression on entry ids, to run part of the set (scores then cover that part).
  if (process.env.BENCH_ONLY) index.entries = index.entries.filter((e) => new RegExp(process.env.BENCH_ONLY!).test(e.id));
  mkdirSync(outDir, { recursive: true });

  const t0 = performance.now();
  // The engine the worker runs: PP-OCRv4 for Chinese/English, Tesseract for other scripts, routed by
  // each entry's language hint, or by script detection with BENCH_LANGUAGE=auto.
  // BENCH_PIPELINE: JSON pipeline overrides (e.g. '{"rec":{"minWidth":160}}') to compare settings.
  const pipeline = process.env.BENCH_PIPELINE ? (JSON.parse(process.env.BENCH_PIPELINE) as Partial<PipelineOptions>) : undefined;
  const paddle = await createPaddleEngine({ intraOpThreads: Number(process.env.OCR_THREADS ?? 2), foldModels: process.env.BENCH_FOLD !== 'false', ...(pipeline ? { pipeline: mergePipeline(DEFAULT_PIPELINE, pipeline) } : {}) });
  const engine = new RoutingEngine({ paddle, tesseract: new TesseractEngine({ timeoutMs: 60_000 }) });
  const forcedLanguage = process.env.BENCH_LANGUAGE;
  const loadMs = performance.now() - t0;
  const runs: PageRun[] = [];
  const calib = { hi: { dist: 0, chars: 0, lines: 0 }, lo: { dist: 0, chars: 0, lines: 0 } };
  for (const entry of index.entries) {
    const pages = await pagesOf(evalDir, entry);
    const texts: string[] = [];
    for (const page of pages) {
      const t = performance.now();
      const cpu0 = cpuMsSoFar();
      let result: PageOcr | undefined;
      let error: string | undefined;
      try {
        result = await engine.recognize(page, { language: forcedLanguage ?? entry.lang, timeoutMs: 60_000 });
      } catch (err) {
        error = (err as Error).message;
      }
      const ms = performance.now() - t;
      const cpuMs = cpuMsSoFar() - cpu0;
      const lines = result?.blocks.flatMap((b) => b.lines) ?? [];
      runs.push({ entry: entry.id, category: entry.category, ms, cpuMs, timings: result?.timings_ms ?? {}, lines, ...(error ? { error } : {}) });
      texts.push(result?.text ?? '');
    }
    writeFileSync(join(outDir, `${entry.id}.txt`), texts.join('\f'));
    // Calibration: single-image entries with line boxes in the image's pixels.
    const linesJson = join(evalDir, entry.id, 'lines.json');
    if (pages.length === 1 && !entry.local.pdf && !entry.local.image[0]!.endsWith('.pdf') && existsSync(linesJson)) {
      const gt = (JSON.parse(readFileSync(linesJson, 'utf8')) as { text: string; bbox: number[] }[][])[0] ?? [];
      for (const line of runs[runs.length - 1]!.lines) {
        let best: { text: string; bbox: number[] } | undefined;
        let bestIou = 0.5;
        for (const g of gt) {
          const v = iou(line.bbox, g.bbox);
          if (v >= bestIou) {
            bestIou = v;
            best = g;
          }
        }
        if (!best) continue;
        const bucket = line.confidence >= 0.9 ? calib.hi : calib.lo;
        bucket.dist += levenshtein(norm(line.text), norm(best.text));
        bucket.chars += norm(best.text).length;
        bucket.lines++;
      }
    }
    const last = runs.filter((r) => r.entry === entry.id);
    process.stdout.write(`${entry.id}: ${pages.length} page(s), ${(last.reduce((s, r) => s + r.ms, 0) / 1000).toFixed(2)} s${last.some((r) => r.error) ? ` ERROR ${last.find((r) => r.error)!.error}` : ''}\n`);
  }
  await engine.close();
  const peakRssMb = process.resourceUsage().maxRSS / 1024;

  let scores: { entries?: { id: string; category: string; cer_nocase: number; word_f1_nocase: number; word_r_nocase: number }[] } = {};
  if (scorePy) {
    const jsonOut = join(outDir, 'score.json');
    execFileSync('python3', [scorePy, outDir, evalDir, '--json', jsonOut], { stdio: ['ignore', 'ignore', 'inherit'] });
    scores = JSON.parse(readFileSync(jsonOut, 'utf8'));
  } else {
    process.stderr.write('score.py not found (set SCORE_PY): texts written, not scored\n');
  }

  const entryScores = new Map((scores.entries ?? []).map((e) => [e.id, e]));
  const categories = [...new Set(index.entries.map((e) => e.category))].sort();
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  const summary = {
    evalDir,
    engine: engine.name,
    modelLoadSeconds: loadMs / 1000,
    peakRssMb,
    secondsPerPage: mean(runs.map((r) => r.ms / 1000)),
    cpuSecondsPerPage: mean(runs.map((r) => r.cpuMs / 1000)),
    /** Mean milliseconds a page spent in each stage the engines report (`timings_ms`). */
    stageMsPerPage: Object.fromEntries(
      [...new Set(runs.flatMap((r) => Object.keys(r.timings)))].sort().map((k) => [k, Math.round(runs.reduce((s, r) => s + (r.timings[k] ?? 0), 0) / runs.length)]),
    ),
    pages: runs.length,
    errors: runs.filter((r) => r.error).map((r) => ({ entry: r.entry, error: r.error })),
    categories: Object.fromEntries(
      categories.map((c) => {
        const ids = index.entries.filter((e) => e.category === c).map((e) => e.id);
        const s = ids.map((id) => entryScores.get(id)).filter((x) => x !== undefined);
        const pr = runs.filter((r) => r.category === c);
        return [
          c,
          {
            entries: ids.length,
            pages: pr.length,
            cer_nocase: mean(s.map((x) => x.cer_nocase)),
            word_f1_nocase: mean(s.map((x) => x.word_f1_nocase)),
            word_r_nocase: mean(s.map((x) => x.word_r_nocase)),
            secondsPerPage: mean(pr.map((r) => r.ms / 1000)),
            cpuSecondsPerPage: mean(pr.map((r) => r.cpuMs / 1000)),
          },
        ];
      }),
    ),
    calibration: {
      note: 'lines matched to lines.json boxes by IoU >= 0.5 on single-image entries; CER = edit distance / reference characters, lower-cased',
      confidenceAtLeast090: { lines: calib.hi.lines, cer: calib.hi.dist / (calib.hi.chars || 1) },
      confidenceBelow090: { lines: calib.lo.lines, cer: calib.lo.dist / (calib.lo.chars || 1) },
    },
  };
  writeFileSync(join(outDir, 'summary.json'), JSON.stringify(summary, null, 2));
  const f = (v: number) => (Number.isNaN(v) ? '  -  ' : v.toFixed(3));
  console.log('\ncategory  entries pages  CER(nocase)  wordF1(nocase)  wordR(nocase)  s/page  cpu-s/page');
  for (const [c, v] of Object.entries(summary.categories)) {
    console.log(`${c.padEnd(9)} ${String(v.entries).padStart(7)} ${String(v.pages).padStart(5)}  ${f(v.cer_nocase).padStart(11)}  ${f(v.word_f1_nocase).padStart(14)}  ${f(v.word_r_nocase).padStart(13)}  ${f(v.secondsPerPage).padStart(6)}  ${f(v.cpuSecondsPerPage).padStart(10)}`);
  }
  console.log(`stages, mean ms a page: ${Object.entries(summary.stageMsPerPage).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`all pages: ${summary.pages}, ${summary.secondsPerPage.toFixed(3)} s/page (${summary.cpuSecondsPerPage.toFixed(3)} CPU s/page), model load ${summary.modelLoadSeconds.toFixed(2)} s, peak RSS ${peakRssMb.toFixed(0)} MB, errors ${summary.errors.length}`);
  console.log(
    `calibration: conf >= 0.9: ${calib.hi.lines} lines, CER ${summary.calibration.confidenceAtLeast090.cer.toFixed(3)}; conf < 0.9: ${calib.lo.lines} lines, CER ${summary.calibration.confidenceBelow090.cer.toFixed(3)}`,
  );
  console.log(`wrote ${outDir}/<id>.txt, score.json, summary.json`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

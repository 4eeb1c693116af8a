/**
 * Time and peak memory to export a job to each format, as the export service does it
 * (ExportService.render: validate the job JSON, render, cut into gRPC messages), on a synthetic
 * job of N pages (default 60): letter pages at 150 dpi, 40 lines of 8 words each and a 4 × 3
 * table, with page images as the workers store them (JPEG q85, paper grain so the size is that
 * of a scan) in a local-disk object store.
 *
 *   pnpm --filter @ocr/export-service build && node apps/export-service/dist/bench/export.bench.js [pages=60] [formats=txt,md,…,pdf]
 *
 * Each format runs in its own child process, so its peak RSS is its own.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BBox, Block, JobDocument, JobPage, Line, Table } from '@ocr/documents';
import { jobArtifacts } from '@ocr/documents';
import { exportV1 } from '@ocr/proto';
import { createObjectStore } from '@ocr/storage';
import sharp from 'sharp';
import { ExportService } from '../export/export.service';
import { ObjectStorePageImages } from '../pages/page-images.repository';
import { createRenderers } from '../renderers';

const FORMATS = ['txt', 'md', 'json', 'csv', 'docx', 'hocr', 'alto', 'pdf'] as const;
const WIDTH = 1275;
const HEIGHT = 1650;
const DPI = 150;
const WORDS = ['invoice', 'total', 'amount', 'delivery', 'payment', 'account', 'reference', 'quantity', 'description', 'balance', 'customer', 'order'];

function syntheticPage(index: number): JobPage {
  const lines: Line[] = [];
  for (let l = 0; l < 40; l++) {
    const y0 = 100 + l * 34;
    let x = 100;
    const words = Array.from({ length: 8 }, (_, w) => {
      const text = WORDS[(index + l * 8 + w) % WORDS.length]!;
      const bbox: BBox = [x, y0, x + text.length * 13, y0 + 24];
      x += text.length * 13 + 12;
      return { text, bbox, confidence: 0.95 };
    });
    lines.push({ text: words.map((w) => w.text).join(' '), bbox: [100, y0, x - 12, y0 + 24], confidence: 0.95, words });
  }
  const blocks: Block[] = [0, 1, 2, 3].map((b) => {
    const part = lines.slice(b * 10, b * 10 + 10);
    return { kind: b === 0 ? 'heading' : 'paragraph', text: part.map((l) => l.text).join('\n'), bbox: [100, part[0]!.bbox[1], 1175, part[9]!.bbox[3]], confidence: 0.95, lines: part };
  });
  const table: Table = {
    bbox: [100, 1480, 1175, 1600],
    rows: 4,
    cols: 3,
    cells: Array.from({ length: 12 }, (_, i) => ({ row: Math.floor(i / 3), col: i % 3, row_span: 1, col_span: 1, bbox: [100 + (i % 3) * 358, 1480 + Math.floor(i / 3) * 30, 458 + (i % 3) * 358, 1510 + Math.floor(i / 3) * 30] as BBox, text: `${WORDS[i]} ${index}` })),
  };
  const text = blocks.map((b) => b.text).join('\n\n');
  return { index, width: WIDTH, height: HEIGHT, text, markdown: text, blocks, tables: [table], mean_confidence: 0.95, language: 'en', engine: 'pp-ocrv4', timings_ms: {}, source: 'ocr' };
}

async function pageImage(page: JobPage): Promise<Buffer> {
  const texts = page.blocks
    .flatMap((b) => b.lines)
    .map((l) => `<text x="${l.bbox[0]}" y="${l.bbox[3] - 5}" font-family="DejaVu Sans" font-size="20" fill="#111">${l.text}</text>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}"><rect width="100%" height="100%" fill="#fff"/>${texts}</svg>`;
  const grain = await sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: '#f4f1ea', noise: { type: 'gaussian', mean: 238, sigma: 12 } } }).png().toBuffer();
  return sharp(await sharp(Buffer.from(svg)).png().toBuffer())
    .composite([{ input: grain, blend: 'multiply' }])
    .removeAlpha()
    .jpeg({ quality: 85 })
    .withMetadata({ density: DPI })
    .toBuffer();
}

/** Child: renders one format, discarding the bytes as they come, and prints its figures as JSON. */
async function child(dir: string, format: (typeof FORMATS)[number]): Promise<void> {
  const jobJson = readFileSync(join(dir, 'job.json'), 'utf8');
  const store = await createObjectStore(join(dir, 'storage'));
  const sut = new ExportService(createRenderers(new ObjectStorePageImages(store)));
  const job = JSON.parse(jobJson) as JobDocument;
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  let bytes = 0;
  let messages = 0;
  const formatEnum = exportV1.ExportFormat[`EXPORT_FORMAT_${format.toUpperCase()}` as keyof typeof exportV1.ExportFormat];
  await new Promise<void>((resolve, reject) =>
    sut.render({ job_json: jobJson, format: formatEnum, page_images_prefix: jobArtifacts.pagesPrefix(job.uuid) }).subscribe({
      next: (m) => {
        messages++;
        bytes += m.chunk?.length ?? 0;
      },
      error: reject,
      complete: resolve,
    }),
  );
  const ms = performance.now() - started;
  const peakRss = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ format, ms, bytes, messages, rssBefore, peakRss }) + '\n');
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3]!, process.argv[4] as (typeof FORMATS)[number]);
  const pages = Number(process.argv[2] ?? 60);
  const formats = process.argv[3] ? (process.argv[3].split(',') as (typeof FORMATS)[number][]) : FORMATS;
  const unknown = formats.filter((f) => !FORMATS.includes(f));
  if (!Number.isInteger(pages) || pages < 1 || unknown.length > 0) throw new Error(`usage: export.bench.js [pages=60] [formats=${FORMATS.join(',')}]`);
  const dir = mkdtempSync(join(tmpdir(), 'export-bench-'));
  try {
    const uuid = '00000000-0000-4000-8000-0000000be4c0';
    const jobPages = Array.from({ length: pages }, (_, i) => syntheticPage(i));
    const job: JobDocument = {
      uuid,
      status: 'done',
      tier: 'cpu',
      language: 'en',
      page_count: pages,
      pages_done: pages,
      mean_confidence: 0.95,
      text: jobPages.map((p) => p.text).join('\f'),
      markdown: jobPages.map((p) => p.markdown).join('\n\n---\n\n'),
      pages: jobPages,
      created_at: new Date().toISOString(),
      finished_at: new Date().toISOString(),
    };
    writeFileSync(join(dir, 'job.json'), JSON.stringify(job));
    const store = await createObjectStore(join(dir, 'storage'));
    let jpegBytes = 0;
    for (const page of jobPages) {
      const jpeg = await pageImage(page);
      jpegBytes += jpeg.length;
      await store.put(jobArtifacts.pageImage(uuid, page.index), jpeg);
    }
    const words = jobPages.reduce((n, p) => n + p.blocks.reduce((m, b) => m + b.lines.reduce((k, l) => k + l.words.length, 0), 0), 0);
    const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
    const size = (b: number) => (b < 1024 * 1024 ? `${(b / 1024).toFixed(0)} KB` : `${mb(b)} MB`);
    process.stdout.write(
      `export of a ${pages}-page job (${words} words, ${pages} tables; job JSON ${mb(Buffer.byteLength(JSON.stringify(job)))} MB; page images ${WIDTH}×${HEIGHT} JPEG, ${mb(jpegBytes)} MB in all), Node ${process.version}\n\n`,
    );
    process.stdout.write('| format | time | output | peak RSS | RSS growth while rendering |\n| --- | --- | --- | --- | --- |\n');
    for (const format of formats) {
      const out = execFileSync(process.execPath, ['--expose-gc', __filename, '--child', dir, format], { encoding: 'utf8', maxBuffer: 1024 * 1024 });
      const r = JSON.parse(out.trim().split('\n').pop()!) as { ms: number; bytes: number; rssBefore: number; peakRss: number };
      process.stdout.write(`| ${format} | ${(r.ms / 1000).toFixed(2)} s | ${size(r.bytes)} | ${mb(r.peakRss)} MB | ${mb(Math.max(0, r.peakRss - r.rssBefore))} MB |\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});

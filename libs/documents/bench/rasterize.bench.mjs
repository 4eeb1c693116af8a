// Prints how long rasterizePage takes per page kind. Run after `pnpm --filter @ocr/documents build`:
//   node libs/documents/bench/rasterize.bench.mjs [runs]
// Figures, not assertions: a benchmark script, never a timed test.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { rasterizePage, inspectDocument } = require('../dist/index.js');
const { PDFDocument, StandardFonts } = require('pdf-lib');
const sharp = require('sharp');

const runs = Number(process.argv[2] ?? 5);
const lorem = 'The quarterly report shows revenue of 1,250,000 dollars and costs of 800,000 dollars in every region.';

async function textLetterPdf() {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([612, 792]);
  for (let i = 0; i < 50; i += 1) page.drawText(lorem, { x: 50, y: 740 - i * 13.5, size: 10, font });
  return Buffer.from(await doc.save());
}

async function scanPdf(ppi) {
  const w = Math.round(8.5 * ppi), h = Math.round(11 * ppi);
  const lines = Array.from({ length: 40 }, (_, i) => `<text x="${w * 0.08}" y="${h * 0.06 + i * h * 0.022}" font-size="${h * 0.014}" font-family="sans-serif">${lorem}</text>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="white"/>${lines}</svg>`;
  const jpg = await sharp(Buffer.from(svg)).greyscale().jpeg({ quality: 85 }).toBuffer();
  const doc = await PDFDocument.create();
  const img = await doc.embedJpg(jpg);
  doc.addPage([612, 792]).drawImage(img, { x: 0, y: 0, width: 612, height: 792 });
  return Buffer.from(await doc.save());
}

async function time(label, bytes) {
  const first = await rasterizePage(bytes, 0);
  const times = [];
  let last = first;
  for (let i = 0; i < runs; i += 1) {
    const t = performance.now();
    last = await rasterizePage(bytes, 0);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const median = times[times.length >> 1];
  console.log(
    `${label.padEnd(34)} ${String(last.image.width).padStart(5)}×${String(last.image.height).padEnd(5)} ` +
      `dpi ${String(last.dpi ?? '-').padEnd(6)} source ${last.source.padEnd(10)} median ${median.toFixed(0).padStart(5)} ms ` +
      `(first ${first.timings_ms ? JSON.stringify(last.timings_ms) : ''})`,
  );
}

const text = await textLetterPdf();
await time('letter, born-digital text (300 dpi)', text);
await time('letter, 96 ppi JPEG scan', await scanPdf(96));
await time('letter, 200 ppi JPEG scan', await scanPdf(200));
await time('letter, 300 ppi JPEG scan', await scanPdf(300));
const png = await sharp({ create: { width: 2480, height: 3508, channels: 3, background: '#f0f0f0' } }).png().toBuffer();
await time('A4 PNG image 2480×3508', png);
let t = performance.now();
const many = await PDFDocument.create();
const font = await many.embedFont(StandardFonts.Helvetica);
for (let i = 0; i < 300; i += 1) many.addPage([612, 792]).drawText(`page ${i + 1}`, { x: 72, y: 700, size: 12, font });
const manyBytes = Buffer.from(await many.save());
t = performance.now();
const info = await inspectDocument(manyBytes, { maxPages: 1000, maxPixels: 1e8, maxBytes: 1e9 });
console.log(`inspectDocument, 300-page PDF: ${info.page_count} pages in ${(performance.now() - t).toFixed(0)} ms`);

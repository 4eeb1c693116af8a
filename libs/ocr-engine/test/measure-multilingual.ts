/**
 * Reads the entries of an eval folder (default ../shared/eval/dev) of the given categories with the
 * Tesseract engine (each entry's `lang` hint) and with `auto` through the router, writes `<id>.txt`
 * predictions to OUT/hint and OUT/auto and prints seconds per page. Score with
 * `python3 ../shared/eval/score.py OUT/hint ../shared/eval/dev -v`.
 *
 * Usage: node measure-multilingual.js [--eval DIR] [--out DIR] [--categories B] [--paddle none]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { RasterImage } from '../src/engine';
import { RoutingEngine } from '../src/router/routing.engine';
import { TesseractEngine } from '../src/tesseract/tesseract.engine';

interface Entry { id: string; category: string; lang: string; local: { image: string[] } }

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

async function load(path: string): Promise<RasterImage> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels as 1 | 3 };
}

async function main(): Promise<void> {
  const evalDir = arg('eval', '../shared/eval/dev');
  const out = arg('out', '/tmp/ocr-multilingual');
  const categories = new Set(arg('categories', 'B').split(','));
  const entries = (JSON.parse(readFileSync(join(evalDir, 'index.json'), 'utf8')) as { entries: Entry[] }).entries
    .filter((e) => categories.has(e.category) && !e.local.image[0].endsWith('.pdf'));
  const tesseract = new TesseractEngine();
  const router = new RoutingEngine({ tesseract });
  for (const mode of ['hint', 'auto'] as const) {
    mkdirSync(join(out, mode), { recursive: true });
    let total = 0;
    for (const entry of entries) {
      const texts: string[] = [];
      for (const image of entry.local.image) {
        const raster = await load(join(evalDir, image));
        const t0 = performance.now();
        const page = mode === 'hint'
          ? await tesseract.recognize(raster, { language: entry.lang })
          : await router.recognize(raster, { language: 'auto' });
        const s = (performance.now() - t0) / 1000;
        total += s;
        texts.push(page.text);
        console.log(`${mode} ${entry.id.padEnd(62)} ${page.language.padEnd(10)} conf ${page.mean_confidence.toFixed(3)} ${s.toFixed(2)} s`);
      }
      writeFileSync(join(out, mode, `${entry.id}.txt`), texts.join('\f'));
    }
    console.log(`${mode}: ${entries.length} pages, ${(total / entries.length).toFixed(3)} s/page`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

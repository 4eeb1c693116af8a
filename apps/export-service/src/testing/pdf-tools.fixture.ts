import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A word as `pdftotext -bbox` reads it from a PDF: points, origin top left. */
export interface ExtractedWord {
  page: number;
  text: string;
  box: [number, number, number, number];
}

export interface PdfReadout {
  /** `pdfinfo`'s fields (Pages, Page size, PDF version …). */
  info: Record<string, string>;
  /** Each page's size in points, from `pdftotext -bbox`. */
  pageSizes: [number, number][];
  words: ExtractedWord[];
  /** `pdftotext` (reading order, pages separated by form feeds). */
  text: string;
}

const decode = (s: string) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** Reads a PDF with poppler-utils (`pdfinfo`, `pdftotext`), the way a user's tools would. */
export async function readPdf(pdf: Buffer): Promise<PdfReadout> {
  const dir = mkdtempSync(join(tmpdir(), 'export-pdf-'));
  try {
    const file = join(dir, 'file.pdf');
    writeFileSync(file, pdf);
    const { stdout: infoText } = await run('pdfinfo', [file]);
    const info = Object.fromEntries(
      infoText
        .split('\n')
        .map((l) => /^([^:]+):\s*(.*)$/.exec(l))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1]!.trim(), m[2]!.trim()]),
    );
    const { stdout: bbox } = await run('pdftotext', ['-bbox', file, '-'], { maxBuffer: 256 * 1024 * 1024 });
    const pageSizes: [number, number][] = [];
    const words: ExtractedWord[] = [];
    for (const pageMatch of bbox.matchAll(/<page width="([\d.]+)" height="([\d.]+)">([\s\S]*?)<\/page>/g)) {
      pageSizes.push([Number(pageMatch[1]), Number(pageMatch[2])]);
      for (const w of pageMatch[3]!.matchAll(/<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">([^<]*)<\/word>/g)) {
        words.push({ page: pageSizes.length - 1, text: decode(w[5]!), box: [Number(w[1]), Number(w[2]), Number(w[3]), Number(w[4])] });
      }
    }
    const { stdout: text } = await run('pdftotext', [file, '-'], { maxBuffer: 256 * 1024 * 1024 });
    return { info, pageSizes, words, text };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Intersection over union of two boxes [x0, y0, x1, y1]. */
export function iou(a: readonly number[], b: readonly number[]): number {
  const ix = Math.max(0, Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!));
  const iy = Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));
  const inter = ix * iy;
  const union = (a[2]! - a[0]!) * (a[3]! - a[1]!) + (b[2]! - b[0]!) * (b[3]! - b[1]!) - inter;
  return union > 0 ? inter / union : 0;
}

import type { PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { DocumentError } from './document.error';
import type { BBox } from './job-document';
import { withPdf } from './pdf.loader';

/** A word of a PDF's text layer; `bbox` is in pixels of the page rendered at the layer's scale. */
export interface TextLayerWord {
  text: string;
  bbox: BBox;
}

export interface TextLayerLine {
  text: string;
  bbox: BBox;
  words: TextLayerWord[];
}

/** The text a PDF page carries, placed in the pixel space of the page rasterized at `scale`. */
export interface TextLayerPage {
  /** Page size in pixels at `scale` (the raster's size). */
  width: number;
  height: number;
  /** Pixels per PDF point (dpi / 72). */
  scale: number;
  /** Lines in reading order (top to bottom, left to right within a row). */
  lines: TextLayerLine[];
  /** The lines' text joined by newlines. */
  text: string;
  /** Non-whitespace characters. */
  chars: number;
  /** Share of those characters that are letters, digits, punctuation or symbols (not controls, private-use or U+FFFD). */
  printableRatio: number;
}

/** pdf.js text item (the parts of `TextItem` used here). */
export interface PdfTextItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
  fontName: string;
  hasEOL?: boolean;
  dir?: string;
}

export interface PdfTextStyle {
  ascent?: number;
  descent?: number;
}

type Matrix = [number, number, number, number, number, number];

// Helvetica advance widths (1/1000 em) for ASCII 32..126: used to share an item's known width
// among its words. Exact for Helvetica/Arial, close enough for other proportional fonts.
const ASCII_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
  556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
  722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556,
  556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334,
  260, 334, 584,
];
const WIDE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\uff00-\uffef]/u;

function charWidth(ch: string): number {
  const code = ch.codePointAt(0)!;
  if (code >= 32 && code <= 126) return ASCII_WIDTHS[code - 32]!;
  return WIDE.test(ch) ? 1000 : 556;
}

const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;

/** Characters that count (non-whitespace) and the share of them that are printable. */
export function textStats(text: string): { chars: number; printableRatio: number } {
  let chars = 0;
  let printable = 0;
  for (const ch of text) {
    if (/\s/u.test(ch)) continue;
    chars += 1;
    if (ch !== '\ufffd' && PRINTABLE.test(ch)) printable += 1;
  }
  return { chars, printableRatio: chars === 0 ? 0 : printable / chars };
}

function multiply(m1: readonly number[], m2: readonly number[]): Matrix {
  return [
    m1[0]! * m2[0]! + m1[2]! * m2[1]!,
    m1[1]! * m2[0]! + m1[3]! * m2[1]!,
    m1[0]! * m2[2]! + m1[2]! * m2[3]!,
    m1[1]! * m2[2]! + m1[3]! * m2[3]!,
    m1[0]! * m2[4]! + m1[2]! * m2[5]! + m1[4]!,
    m1[1]! * m2[4]! + m1[3]! * m2[5]! + m1[5]!,
  ];
}

interface Run {
  words: { text: string; box: [number, number, number, number] }[];
  box: [number, number, number, number];
  /** Font size in pixels. */
  size: number;
  leadingSpace: boolean;
  trailingSpace: boolean;
}

interface LineBuild {
  words: { text: string; box: [number, number, number, number] }[];
  box: [number, number, number, number];
  size: number;
  trailingSpace: boolean;
}

const unionBox = (
  a: readonly [number, number, number, number],
  b: readonly [number, number, number, number],
): [number, number, number, number] => [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];

const toBBox = (b: readonly [number, number, number, number]): BBox => [
  Math.round(b[0]),
  Math.round(b[1]),
  Math.round(b[2]),
  Math.round(b[3]),
];

/** One text item → its words, each boxed by sharing the item's width in proportion to glyph widths. */
function itemToRun(item: PdfTextItem, style: PdfTextStyle | undefined, viewportTransform: readonly number[], scale: number): Run | null {
  const str = item.str;
  if (!str || str.trim() === '') return null;
  const tx = multiply(viewportTransform, item.transform);
  const size = Math.hypot(tx[2], tx[3]);
  const along = Math.hypot(tx[0], tx[1]);
  if (size === 0 || along === 0) return null;
  const right: [number, number] = [tx[0] / along, tx[1] / along];
  const up: [number, number] = [tx[2] / size, tx[3] / size];
  const ascent = style?.ascent && style.ascent > 0 ? style.ascent : 0.8;
  const descent = style?.descent && style.descent < 0 ? style.descent : -0.2;
  const chars = [...str];
  const widths = chars.map(charWidth);
  const total = widths.reduce((a, b) => a + b, 0);
  const vertical = item.dir === 'ttb';
  let advance = (vertical ? item.height : item.width) * scale;
  if (!(advance > 0)) advance = (total / 1000) * size;

  const boxOf = (from: number, to: number): [number, number, number, number] => {
    const pts: [number, number][] = [];
    for (const along of [from, to]) {
      for (const rise of [ascent * size, descent * size]) {
        pts.push([tx[4] + right[0] * along + up[0] * rise, tx[5] + right[1] * along + up[1] * rise]);
      }
    }
    const xs = pts.map((p) => p[0]);
    const ys = pts.map((p) => p[1]);
    return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  };

  const words: Run['words'] = [];
  let offset = 0;
  let word = '';
  let wordStart = 0;
  chars.forEach((ch, i) => {
    const w = (widths[i]! / total) * advance;
    if (/\s/u.test(ch)) {
      if (word) words.push({ text: word, box: boxOf(wordStart, offset) });
      word = '';
    } else {
      if (!word) wordStart = offset;
      word += ch;
    }
    offset += w;
  });
  if (word) words.push({ text: word, box: boxOf(wordStart, offset) });
  if (words.length === 0) return null;
  return {
    words,
    box: words.map((w) => w.box).reduce(unionBox),
    size,
    leadingSpace: /^\s/u.test(str),
    trailingSpace: /\s$/u.test(str),
  };
}

function verticalOverlap(a: readonly number[], b: readonly number[]): number {
  const overlap = Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!);
  const smaller = Math.min(a[3]! - a[1]!, b[3]! - b[1]!);
  return smaller > 0 ? overlap / smaller : 0;
}

/**
 * Builds lines from pdf.js text items: each item's words are boxed in pixel space, items are joined
 * into lines (same row, small horizontal gap; touching items without a space form one word, as
 * when a PDF kerns a word into pieces), and lines are put in reading order.
 */
export function buildTextLayer(
  items: readonly PdfTextItem[],
  styles: Readonly<Record<string, PdfTextStyle>>,
  viewport: { transform: readonly number[]; width: number; height: number; scale: number },
): TextLayerPage {
  const runs = items
    .map((item) => itemToRun(item, styles[item.fontName], viewport.transform, viewport.scale))
    .filter((run): run is Run => run !== null)
    .sort((a, b) => a.box[0] - b.box[0]);

  const lines: LineBuild[] = [];
  for (const run of runs) {
    let best: LineBuild | undefined;
    let bestOverlap = 0;
    for (const line of lines) {
      const h = Math.max(line.size, run.size);
      const gap = run.box[0] - line.box[2];
      if (gap < -0.5 * h || gap > 3 * h) continue;
      const overlap = verticalOverlap(line.box, run.box);
      if (overlap >= 0.5 && overlap > bestOverlap) {
        best = line;
        bestOverlap = overlap;
      }
    }
    if (!best) {
      lines.push({ words: [...run.words], box: run.box, size: run.size, trailingSpace: run.trailingSpace });
      continue;
    }
    const gap = run.box[0] - best.box[2];
    const last = best.words[best.words.length - 1]!;
    const [first, ...rest] = run.words;
    if (first && !best.trailingSpace && !run.leadingSpace && gap < 0.15 * Math.max(best.size, run.size)) {
      best.words[best.words.length - 1] = { text: last.text + first.text, box: unionBox(last.box, first.box) };
      best.words.push(...rest);
    } else {
      best.words.push(...run.words);
    }
    best.box = unionBox(best.box, run.box);
    best.size = Math.max(best.size, run.size);
    best.trailingSpace = run.trailingSpace;
  }

  // Reading order: top to bottom; lines on one row (half their height overlapping) left to right.
  lines.sort((a, b) => a.box[1] - b.box[1]);
  for (let i = 1; i < lines.length; i += 1) {
    for (let j = i; j > 0; j -= 1) {
      const prev = lines[j - 1]!;
      const cur = lines[j]!;
      if (verticalOverlap(prev.box, cur.box) >= 0.5 && cur.box[0] < prev.box[0]) {
        lines[j - 1] = cur;
        lines[j] = prev;
      } else break;
    }
  }

  const out: TextLayerLine[] = lines.map((line) => ({
    text: line.words.map((w) => w.text).join(' '),
    bbox: toBBox(line.box),
    words: line.words.map((w) => ({ text: w.text, bbox: toBBox(w.box) })),
  }));
  const text = out.map((l) => l.text).join('\n');
  const stats = textStats(items.map((i) => i.str).join(' '));
  return {
    width: Math.max(1, Math.round(viewport.width)),
    height: Math.max(1, Math.round(viewport.height)),
    scale: viewport.scale,
    lines: out,
    text,
    chars: stats.chars,
    printableRatio: stats.printableRatio,
  };
}

/** The text layer of an open page at `scale` pixels per point. */
export async function readTextLayer(page: PDFPageProxy, scale: number): Promise<TextLayerPage> {
  const viewport = page.getViewport({ scale });
  const content = await page.getTextContent();
  const items = content.items.filter((item): item is typeof item & PdfTextItem => 'str' in item);
  return buildTextLayer(items, content.styles as Record<string, PdfTextStyle>, viewport);
}

export interface ExtractTextLayerOptions {
  timeoutMs?: number;
}

/**
 * The text layer of one PDF page, its words and lines boxed in pixels of the page rendered at
 * `scale` pixels per PDF point (dpi / 72). Reads only that page.
 */
export async function extractTextLayer(
  bytes: Buffer,
  pageIndex: number,
  scale: number,
  options: ExtractTextLayerOptions = {},
): Promise<TextLayerPage> {
  if (!(scale > 0)) throw new RangeError(`scale must be positive, got ${scale}`);
  return withPdf(bytes, { timeoutMs: options.timeoutMs ?? 60_000 }, async (doc) => {
    if (!Number.isInteger(pageIndex) || pageIndex < 0 || pageIndex >= doc.numPages) {
      throw new DocumentError('page_out_of_range', `Page ${pageIndex} does not exist: the PDF has ${doc.numPages} pages (0-based indices).`);
    }
    const page = await doc.getPage(pageIndex + 1);
    return readTextLayer(page, scale);
  });
}

import type { BBox, Block, Line, PageOcr, Word } from '@ocr/documents';
import { TesseractError } from './tesseract.errors';

export interface TsvPageContext {
  width: number;
  height: number;
  /** The language code the page was read with (`ru`, `en+de`, `und-Cyrl`). */
  language: string;
  engine: string;
  timings_ms: Record<string, number>;
  /**
   * Lines for which this returns false are left out (with their words) of the text and blocks; default:
   * keep every line. They still count in `mean_confidence`, which stays the engine's confidence in its
   * reading of the whole page (the router compares engines by it: dropping noise must not raise it).
   */
  keepLine?: (line: Line) => boolean;
}

const HEADER = ['level', 'page_num', 'block_num', 'par_num', 'line_num', 'word_num', 'left', 'top', 'width', 'height', 'conf', 'text'];
const WORD_LEVEL = 5;
const LINE_LEVEL = 4;

interface LineAcc {
  bbox?: BBox;
  words: Word[];
}

/**
 * Tesseract's `tsv` output → PageOcr. One block per Tesseract paragraph (block_num/par_num),
 * lines and words in the order Tesseract reads them (logical order, also for right-to-left text),
 * boxes in page pixels, confidences in [0, 1].
 */
export function parseTesseractTsv(tsv: string, context: TsvPageContext): PageOcr {
  const rows = tsv.split('\n');
  const header = rows[0]?.replace(/\r$/, '').split('\t');
  if (!header || HEADER.some((name, i) => header[i] !== name)) {
    throw new TesseractError('inference_failed', `tesseract returned no TSV header (got "${(rows[0] ?? '').slice(0, 80)}")`);
  }
  const paragraphs = new Map<string, Map<string, LineAcc>>();
  const lineOf = (block: string, par: string, line: string): LineAcc => {
    const pKey = `${block}/${par}`;
    let lines = paragraphs.get(pKey);
    if (!lines) paragraphs.set(pKey, (lines = new Map()));
    let acc = lines.get(line);
    if (!acc) lines.set(line, (acc = { words: [] }));
    return acc;
  };
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i].replace(/\r$/, '');
    if (row.length === 0) continue;
    const cols = row.split('\t');
    if (cols.length < 11) continue;
    const level = Number(cols[0]);
    if (level !== WORD_LEVEL && level !== LINE_LEVEL) continue;
    const [left, top, w, h] = cols.slice(6, 10).map(Number);
    const bbox = clampBox([left, top, left + w, top + h], context.width, context.height);
    const acc = lineOf(cols[2], cols[3], cols[4]);
    if (level === LINE_LEVEL) {
      acc.bbox = bbox;
      continue;
    }
    // Words may contain tabs only in theory; keep everything after the 11th column as text.
    const text = cols.slice(11).join('\t').trim();
    const conf = Number(cols[10]);
    if (text.length === 0 || !(conf >= 0)) continue;
    acc.words.push({ text, bbox, confidence: round(Math.min(conf, 100) / 100) });
  }

  const blocks: Block[] = [];
  const droppedWords: Word[] = [];
  for (const lineMap of paragraphs.values()) {
    const lines: Line[] = [];
    for (const acc of lineMap.values()) {
      if (acc.words.length === 0) continue;
      const line: Line = {
        text: acc.words.map((w) => w.text).join(' '),
        bbox: acc.bbox ?? unionBox(acc.words.map((w) => w.bbox)),
        confidence: weightedConfidence(acc.words),
        words: acc.words,
      };
      if (context.keepLine && !context.keepLine(line)) {
        droppedWords.push(...line.words);
        continue;
      }
      lines.push(line);
    }
    if (lines.length === 0) continue;
    blocks.push({
      text: lines.map((l) => l.text).join('\n'),
      bbox: unionBox(lines.map((l) => l.bbox)),
      confidence: weightedConfidence(lines.flatMap((l) => l.words)),
      kind: 'paragraph',
      lines,
    });
  }
  const allLines = blocks.flatMap((b) => b.lines);
  return {
    width: context.width,
    height: context.height,
    text: blocks.map((b) => b.text).join('\n\n'),
    markdown: blocks.map((b) => paragraphMarkdown(b.lines.map((l) => l.text))).join('\n\n'),
    blocks,
    tables: [],
    mean_confidence: weightedConfidence(allLines.flatMap((l) => l.words).concat(droppedWords)),
    language: context.language,
    engine: context.engine,
    timings_ms: context.timings_ms,
  };
}

/** Mean confidence weighted by characters; 0 when there is no text. */
export function weightedConfidence(items: readonly { text: string; confidence: number }[]): number {
  let chars = 0;
  let sum = 0;
  for (const item of items) {
    const n = [...item.text].length;
    chars += n;
    sum += n * item.confidence;
  }
  return chars === 0 ? 0 : round(sum / chars);
}

/**
 * A paragraph's lines as one markdown paragraph: lines joined by spaces, a word hyphenated across a
 * line break joined again, and characters that would start markdown syntax escaped.
 */
export function paragraphMarkdown(lines: readonly string[]): string {
  let text = '';
  for (const line of lines) {
    if (text.length === 0) text = line;
    else if (/\p{L}-$/u.test(text) && /^\p{Ll}/u.test(line)) text = text.slice(0, -1) + line;
    else text = `${text} ${line}`;
  }
  return escapeMarkdown(text);
}

function escapeMarkdown(text: string): string {
  const inline = text.replace(/([\\`*_[\]<>|])/g, '\\$1');
  // Line-start syntax: headings, quotes, list markers, ordered lists, rules.
  return inline.replace(/^(#{1,6}(?=\s)|[>+-](?=\s)|=+$)/, '\\$1').replace(/^(\d+)([.)])(?=\s)/, '$1\\$2');
}

function clampBox([x0, y0, x1, y1]: BBox, width: number, height: number): BBox {
  const cx = (v: number) => Math.max(0, Math.min(width, v));
  const cy = (v: number) => Math.max(0, Math.min(height, v));
  return [cx(x0), cy(y0), cx(x1), cy(y1)];
}

function unionBox(boxes: readonly BBox[]): BBox {
  return [
    Math.min(...boxes.map((b) => b[0])),
    Math.min(...boxes.map((b) => b[1])),
    Math.max(...boxes.map((b) => b[2])),
    Math.max(...boxes.map((b) => b[3])),
  ];
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

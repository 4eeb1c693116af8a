import type { BBox, Block, BlockKind, Line, Word } from '@ocr/documents';
import { bounds, dist, rotatePoint, type Point, type Quad } from '../../geometry/geometry';
import { median, xyCut, type XyCutOptions, XY_CUT_DEFAULTS } from './xy-cut';

/** A recognised text box, in page pixels, corners in reading order (top-left first). */
export interface AssemblyLine {
  quad: Quad;
  text: string;
  confidence: number;
  words: { text: string; confidence: number; quad: Quad }[];
}

export interface AssembleOptions extends XyCutOptions {
  /** A vertical gap wider than this many median line heights starts a new block. */
  readonly paragraphGap: number;
  /** Lines this many times taller than the page's median line are headings. */
  readonly headingRatio: number;
  /** Each box is narrowed by this many box heights on both sides before finding columns. */
  readonly horizontalInset: number;
}

export const ASSEMBLE_DEFAULTS: AssembleOptions = { ...XY_CUT_DEFAULTS, paragraphGap: 0.8, headingRatio: 1.3, horizontalInset: 0.25 };

export interface AssembledPage {
  blocks: Block[];
  text: string;
  markdown: string;
  /** Mean line confidence weighted by characters; 0 when empty. */
  meanConfidence: number;
  /** The text's angle on the page (radians), as used to find reading order. */
  angle: number;
  /** Each block's own markdown (a list block is one `- item` line), parallel to `blocks`. */
  blockMarkdown: string[];
}

interface Item {
  line: AssemblyLine;
  /** Bounds in the upright reading frame. */
  box: [number, number, number, number];
  height: number;
}

const LIST_MARKER = /^(?:[•·▪◦●○■□‣⁃∙*]|[-–—](?=\s)|\(?\d{1,3}[.)](?=\s)|\(?[a-z][.)](?=\s))/u;

/**
 * The page's text direction: the median direction of the boxes' top and bottom edges, taken from
 * the longer boxes (whose direction is reliable). 0 for an upright page, small for a skewed one.
 */
export function textAngle(quads: readonly Quad[]): number {
  const angles: number[] = [];
  for (const q of quads) {
    const w = dist(q[0], q[1]), h = dist(q[0], q[3]);
    if (w < 2 * h) continue;
    const dx = q[1][0] - q[0][0] + (q[2][0] - q[3][0]), dy = q[1][1] - q[0][1] + (q[2][1] - q[3][1]);
    angles.push(Math.atan2(dy, dx));
  }
  if (angles.length === 0) {
    for (const q of quads) angles.push(Math.atan2(q[1][1] - q[0][1], q[1][0] - q[0][0]));
  }
  return median(angles);
}

const pageBox = (points: readonly Point[]): BBox => {
  const [x0, y0, x1, y1] = bounds(points);
  return [Math.round(x0), Math.round(y0), Math.round(x1), Math.round(y1)];
};

const union = (boxes: readonly BBox[]): BBox => [
  Math.min(...boxes.map((b) => b[0])),
  Math.min(...boxes.map((b) => b[1])),
  Math.max(...boxes.map((b) => b[2])),
  Math.max(...boxes.map((b) => b[3])),
];

const charCount = (text: string) => text.replace(/\s/g, '').length;

function weightedConfidence(parts: readonly { text: string; confidence: number }[]): number {
  let n = 0, s = 0;
  for (const p of parts) {
    const c = charCount(p.text);
    n += c;
    s += c * p.confidence;
  }
  return n === 0 ? 0 : s / n;
}

/**
 * Reading order, lines and blocks: boxes are turned upright (page rotation and skew undone),
 * ordered by recursive XY-cut (columns first), merged into lines (boxes on one row of one
 * column), and lines into blocks (paragraph, heading, list) by gaps, height and list markers.
 */
export function assemble(lines: readonly AssemblyLine[], options: AssembleOptions = ASSEMBLE_DEFAULTS): AssembledPage {
  const usable = lines.filter((l) => l.text.trim() !== '');
  if (usable.length === 0) return { blocks: [], text: '', markdown: '', meanConfidence: 0, angle: 0, blockMarkdown: [] };
  const angle = textAngle(usable.map((l) => l.quad));
  const items: Item[] = usable.map((line) => {
    const upright = line.quad.map((p) => rotatePoint(p, -angle));
    const height = (dist(line.quad[0], line.quad[3]) + dist(line.quad[1], line.quad[2])) / 2;
    const [x0, y0, x1, y1] = bounds(upright);
    // Detection grows each text kernel by about a third of the box height on every side (unclip);
    // take that back horizontally so that narrow column gutters stay open.
    const inset = Math.min(options.horizontalInset * height, (x1 - x0) / 4);
    return { line, box: [x0 + inset, y0, x1 - inset, y1], height };
  });
  const pageLineHeight = median(items.map((i) => i.height));
  const leaves = xyCut(items, options);

  // Rows in reading order, each with its column.
  const rows: { column: string; items: Item[]; y0: number; y1: number; x0: number; x1: number; height: number }[] = [];
  for (const leaf of leaves) {
    for (const r of leaf.rows) {
      rows.push({
        column: leaf.column,
        items: r,
        y0: Math.min(...r.map((i) => i.box[1])),
        y1: Math.max(...r.map((i) => i.box[3])),
        x0: Math.min(...r.map((i) => i.box[0])),
        x1: Math.max(...r.map((i) => i.box[2])),
        height: median(r.map((i) => i.height)),
      });
    }
  }

  // Blocks: consecutive rows of one column without a paragraph gap, a change of size or a list marker.
  const groups: { rows: typeof rows; list: boolean }[] = [];
  for (const row of rows) {
    const text = row.items.map((i) => i.line.text).join(' ');
    const marker = LIST_MARKER.test(text.trim());
    const g = groups[groups.length - 1];
    const prev = g?.rows[g.rows.length - 1];
    let fresh = !g || !prev || prev.column !== row.column;
    if (!fresh && prev && g) {
      const gap = row.y0 - prev.y1;
      const ratio = row.height / prev.height;
      fresh =
        gap > options.paragraphGap * Math.min(row.height, prev.height) ||
        gap < -0.5 * Math.min(row.height, prev.height) ||
        ratio > options.headingRatio ||
        ratio < 1 / options.headingRatio ||
        row.x0 > prev.x1 ||
        row.x1 < prev.x0 ||
        marker ||
        (g.list && row.x0 < g.rows[0]!.x0 + 0.5 * row.height);
    }
    if (fresh) groups.push({ rows: [row], list: marker });
    else g!.rows.push(row);
  }

  const blocks: Block[] = [];
  const md: string[] = [];
  const blockMarkdown: string[] = [];
  let listBuffer: string[] = [];
  const flushList = () => {
    if (listBuffer.length) md.push(listBuffer.join('\n'));
    listBuffer = [];
  };
  for (const g of groups) {
    const outLines: Line[] = g.rows.map((row) => {
      const words: Word[] = row.items.flatMap((i) =>
        i.line.words.map((w) => ({ text: w.text, bbox: pageBox(w.quad), confidence: round(w.confidence) })),
      );
      const parts = row.items.map((i) => ({ text: i.line.text, confidence: i.line.confidence }));
      return {
        text: parts.map((p) => p.text).join(' '),
        bbox: union(row.items.map((i) => pageBox(i.line.quad))),
        confidence: round(weightedConfidence(parts)),
        words,
      };
    });
    const blockHeight = median(g.rows.map((r) => r.height));
    const text = outLines.map((l) => l.text).join('\n');
    let kind: BlockKind = 'paragraph';
    if (g.list) kind = 'list';
    else if (g.rows.length <= 2 && blockHeight >= options.headingRatio * pageLineHeight && rows.length > 1 && !/[.,;]$/.test(text)) kind = 'heading';
    blocks.push({
      text,
      bbox: union(outLines.map((l) => l.bbox)),
      confidence: round(weightedConfidence(outLines)),
      kind,
      lines: outLines,
    });
    if (kind === 'list') {
      const body = outLines.map((l) => l.text).join(' ');
      const m = LIST_MARKER.exec(body)!;
      const ordered = /\d/.test(m[0]);
      listBuffer.push(ordered ? `${m[0].replace(/^\(/, '').replace(/\)$/, '.')} ${body.slice(m[0].length).trim()}` : `- ${body.slice(m[0].length).trim()}`);
      blockMarkdown.push(listBuffer[listBuffer.length - 1]!);
      continue;
    }
    flushList();
    const flat = outLines.map((l) => l.text).join(' ');
    if (kind === 'heading') md.push(`${blockHeight >= 2 * pageLineHeight ? '#' : '##'} ${flat}`);
    else md.push(escapeMarkdown(flat));
    blockMarkdown.push(md[md.length - 1]!);
  }
  flushList();

  return {
    blocks,
    text: blocks.map((b) => b.text).join('\n\n'),
    markdown: md.join('\n\n'),
    meanConfidence: round(weightedConfidence(blocks.flatMap((b) => b.lines))),
    angle,
    blockMarkdown,
  };
}

/** Keep a paragraph from reading as markdown syntax (a leading #, >, list marker or a table pipe). */
function escapeMarkdown(text: string): string {
  return text.replace(/^([#>+]|\d+[.)]\s)/, '\\$1').replace(/\|/g, '\\|');
}

const round = (v: number) => Math.round(v * 10000) / 10000;

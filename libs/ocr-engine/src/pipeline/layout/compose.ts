import type { BBox, Block, BlockKind, Line, Table } from '@ocr/documents';
import { tableToMarkdown } from '../../tables/table.render';
import type { AssembledPage } from '../assemble/assemble';
import { groupRows } from '../assemble/xy-cut';
import { FOOTNOTE_MARKER, type PageMargins } from './margins';

export interface ComposedPage {
  blocks: Block[];
  text: string;
  markdown: string;
  /** Mean line confidence weighted by characters; 0 when empty. */
  meanConfidence: number;
}

export interface ComposeInput<L> {
  /** The page's lines split into header, body, footnotes and footer (`splitMargins`). */
  margins: PageMargins<L>;
  /** Tables found on the page; the body lines inside one become its `table` block. */
  tables: readonly Table[];
  /** Figures found on the page (`findFigures`). */
  figures: readonly BBox[];
  boxOf: (line: L) => BBox;
  /** The page's own assembly (reading order, lines, blocks) of a set of lines. */
  assemble: (lines: L[]) => AssembledPage;
}

interface Piece {
  block: Block;
  markdown: string;
  list: boolean;
}

const centreIn = (b: BBox, t: BBox) => {
  const cx = (b[0] + b[2]) / 2, cy = (b[1] + b[3]) / 2;
  return cx >= t[0] && cx <= t[2] && cy >= t[1] && cy <= t[3];
};

const union = (boxes: readonly BBox[]): BBox => [
  Math.min(...boxes.map((b) => b[0])),
  Math.min(...boxes.map((b) => b[1])),
  Math.max(...boxes.map((b) => b[2])),
  Math.max(...boxes.map((b) => b[3])),
];

const round = (v: number) => Math.round(v * 10000) / 10000;

function weightedConfidence(parts: readonly { text: string; confidence: number }[]): number {
  let n = 0, s = 0;
  for (const p of parts) {
    const c = p.text.replace(/\s/g, '').length;
    n += c;
    s += c * p.confidence;
  }
  return n === 0 ? 0 : round(s / n);
}

/** Text inside an HTML comment: `--` may not appear there. */
const comment = (kind: string, text: string) => `<!-- ${kind}: ${text.replace(/\s+/g, ' ').replace(/--/g, '- -').trim()} -->`;

/**
 * The page's layout regions in reading order: page header, body (headings, paragraphs, lists,
 * tables and figures, columns as the XY-cut reads them), footnotes, page footer.
 * A table or a figure is read just before the first body block below it in its column (its
 * place in the flow); the body lines inside a table become that table's block.
 * Markdown: headers and footers are HTML comments (kept, not shown), footnotes `[^1]: …`,
 * tables as tables, figures `![figure K](#figure-K)`. `text` keeps every region's text
 * (figures have none), headers first and footers last.
 */
export function composePage<L>(input: ComposeInput<L>): ComposedPage {
  const { margins, tables, figures, boxOf, assemble } = input;
  const inTable = (l: L) => tables.findIndex((t) => centreIn(boxOf(l), t.bbox));
  const free = margins.body.filter((l) => inTable(l) < 0);
  const body = assemble(free);
  const pieces: Piece[] = body.blocks.map((block, i) => ({ block, markdown: body.blockMarkdown[i]!, list: block.kind === 'list' }));

  // Regions placed into the flow: tables and figures, top to bottom.
  const regions: { bbox: BBox; piece: Piece }[] = [];
  tables.forEach((table, ti) => {
    const inside = margins.body.filter((l) => inTable(l) === ti);
    const lines = assemble(inside).blocks.flatMap((b) => b.lines);
    const rows = groupRows(lines.map((line) => ({ line, box: line.bbox }))).map((r) => r.map((x) => x.line));
    const ordered = rows.flat();
    regions.push({
      bbox: table.bbox,
      piece: {
        block: { text: rows.map((r) => r.map((l) => l.text).join(' ')).join('\n'), bbox: table.bbox, confidence: weightedConfidence(ordered), kind: 'table', lines: ordered },
        markdown: tableToMarkdown(table),
        list: false,
      },
    });
  });
  figures.forEach((bbox, k) => {
    regions.push({ bbox, piece: { block: { text: '', bbox, confidence: 0, kind: 'figure', lines: [] }, markdown: `![figure ${k + 1}](#figure-${k + 1})`, list: false } });
  });
  regions.sort((a, b) => a.bbox[1] - b.bbox[1] || a.bbox[0] - b.bbox[0]);
  for (const r of regions) {
    const overlapsX = (b: BBox) => Math.min(b[2], r.bbox[2]) > Math.max(b[0], r.bbox[0]);
    const below = (b: BBox) => (b[1] + b[3]) / 2 > r.bbox[3] - 0.1 * (r.bbox[3] - r.bbox[1]);
    let at = pieces.findIndex((p) => p.block.kind !== 'figure' && p.block.kind !== 'table' && overlapsX(p.block.bbox) && below(p.block.bbox));
    if (at < 0) {
      // Nothing below it in its column: after the last block above it that it shares a column with, else at the end.
      let last = -1;
      pieces.forEach((p, i) => {
        if (overlapsX(p.block.bbox) && p.block.bbox[1] < r.bbox[1]) last = i;
      });
      at = last < 0 ? pieces.length : last + 1;
    }
    pieces.splice(at, 0, r.piece);
  }

  const marginal = (lines: L[], kind: BlockKind): Piece[] =>
    assemble(lines).blocks.map((b) => {
      const block: Block = { ...b, kind };
      return { block, markdown: comment(kind, b.text), list: false };
    });
  const all: Piece[] = [...marginal(margins.header, 'header'), ...pieces, ...footnotePieces(margins.footnotes, assemble), ...marginal(margins.footer, 'footer')];

  const md: string[] = [];
  all.forEach((p, i) => {
    if (!p.markdown) return;
    if (i > 0 && p.list && all[i - 1]!.list) md[md.length - 1] += `\n${p.markdown}`;
    else md.push(p.markdown);
  });
  const blocks = all.map((p) => p.block);
  return {
    blocks,
    text: blocks.filter((b) => b.text !== '').map((b) => b.text).join('\n\n'),
    markdown: md.join('\n\n'),
    meanConfidence: weightedConfidence(blocks.flatMap((b) => b.lines)),
  };
}

/** Footnote blocks: the footnote lines in reading order, a new footnote at each line starting with a marker. */
function footnotePieces<L>(lines: L[], assemble: (lines: L[]) => AssembledPage): Piece[] {
  if (lines.length === 0) return [];
  const outLines = assemble(lines).blocks.flatMap((b) => b.lines);
  const groups: Line[][] = [];
  for (const line of outLines) {
    if (groups.length === 0 || FOOTNOTE_MARKER.test(line.text.trim())) groups.push([line]);
    else groups[groups.length - 1]!.push(line);
  }
  return groups.map((g) => {
    const text = g.map((l) => l.text).join('\n');
    const flat = g.map((l) => l.text).join(' ').trim();
    const m = FOOTNOTE_MARKER.exec(flat);
    const label = m ? (m[1] ? superscriptDigits(m[1]) : (m[2] ?? m[3]!)) : undefined;
    return {
      block: { text, bbox: union(g.map((l) => l.bbox)), confidence: weightedConfidence(g), kind: 'footnote' as const, lines: g },
      markdown: label ? `[^${label}]: ${flat.slice(m![0].length).replace(/\|/g, '\\|')}` : flat.replace(/^([#>+]|\d+[.)]\s)/, '\\$1').replace(/\|/g, '\\|'),
      list: false,
    };
  });
}

const SUPERSCRIPTS = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const superscriptDigits = (s: string) => [...s].map((c) => String(SUPERSCRIPTS.indexOf(c))).join('');

import type { BBox, Line, TableCell } from '@ocr/documents';
import type { RasterImage } from '../engine';
import { OcrEngineError } from '../errors';
import type { DetectedTable } from './table.render';
import { findRules, type PageRules, type RuleOptions, type RuleSegment } from './table.rules';

export interface TableDetectOptions {
  /**
   * `true`: the page is one table (a table crop); `false`: look for table regions only;
   * `auto` (default): the page is one table when all its text has a column structure.
   */
  readonly wholePage: 'auto' | boolean;
  /** Grey level under which a pixel is ink, for rule finding. */
  readonly darkThreshold: number;
  /** Rule finding runs on the page shrunk to this long side at most. */
  readonly maxWorkSide: number;
  /** A gap between columns is at least this many median word heights wide. */
  readonly minColumnGap: number;
  /** Text lines a borderless table needs at least. */
  readonly minLines: number;
  /** Share of text lines allowed to cross a column gap (spanning cells) in a borderless table. */
  readonly spanTolerance: number;
  /** A borderless table whose cells hold this many words or more (median) is prose, not a table. */
  readonly proseWords: number;
}

export const TABLE_DEFAULTS: TableDetectOptions = {
  wholePage: 'auto',
  darkThreshold: 160,
  maxWorkSide: 1600,
  minColumnGap: 0.6,
  minLines: 3,
  spanTolerance: 0.12,
  proseWords: 5,
};

/** A word in page pixels, horizontally trimmed of detection's padding. */
interface Tok {
  text: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  cx: number;
  cy: number;
}

interface TextLine {
  toks: Tok[];
  y0: number;
  y1: number;
}

type Kind = 'rule' | 'text' | 'edge';
interface Bound {
  pos: number;
  kind: Kind;
}

const median = (v: readonly number[]): number => {
  if (v.length === 0) return 0;
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const NUMERIC = /^[\s\d.,:;%±+\-–—−×()[\]<>=≤≥*/#$€£eE]+$/;
const isNumeric = (s: string) => NUMERIC.test(s) && /\d/.test(s);
const CONTINUES = /(?:[,\-–/(&+]|\b(?:and|or|of|the|in|with|to|for|a|an|on|by|at|from|per|vs\.?))$/i;

function tokens(lines: readonly Line[]): Tok[] {
  const out: Tok[] = [];
  for (const line of lines) {
    const words = line.words && line.words.length > 0 ? line.words : [{ text: line.text, bbox: line.bbox, confidence: line.confidence }];
    for (const w of words) {
      const text = w.text.trim();
      if (!text || !Array.isArray(w.bbox) || w.bbox.length !== 4 || !w.bbox.every(Number.isFinite)) continue;
      const [x0, y0, x1, y1] = w.bbox;
      if (x1 <= x0 || y1 <= y0) continue;
      const inset = Math.min(0.1 * (y1 - y0), (x1 - x0) / 4);
      out.push({ text, x0: x0 + inset, y0, x1: x1 - inset, y1, cx: (x0 + x1) / 2, cy: (y0 + y1) / 2 });
    }
  }
  return out;
}

/** Words into text lines: a word joins the line it overlaps vertically by half its height. */
function textLines(toks: readonly Tok[]): TextLine[] {
  const sorted = [...toks].sort((a, b) => a.cy - b.cy);
  const lines: TextLine[] = [];
  for (const t of sorted) {
    const h = t.y1 - t.y0;
    let best: TextLine | undefined;
    let bestOverlap = 0;
    for (let k = lines.length - 1; k >= 0 && k >= lines.length - 4; k--) {
      const l = lines[k]!;
      const overlap = Math.min(l.y1, t.y1) - Math.max(l.y0, t.y0);
      const lh = l.y1 - l.y0;
      if (overlap >= 0.5 * Math.min(h, lh) && overlap > bestOverlap && t.cy < l.y1 && t.cy > l.y0) {
        best = l;
        bestOverlap = overlap;
      }
    }
    if (best) {
      best.toks.push(t);
      // Keep the line's extent to its core so that a tall neighbour does not swallow the next line.
      best.y0 = median(best.toks.map((x) => x.y0));
      best.y1 = median(best.toks.map((x) => x.y1));
    } else lines.push({ toks: [t], y0: t.y0, y1: t.y1 });
  }
  for (const l of lines) {
    l.toks.sort((a, b) => a.x0 - b.x0);
    l.y0 = Math.min(...l.toks.map((t) => t.y0));
    l.y1 = Math.max(...l.toks.map((t) => t.y1));
  }
  return lines.sort((a, b) => a.y0 + a.y1 - b.y0 - b.y1);
}

/** Cluster sorted positions closer than `tol`, each cluster to its mean. */
function cluster(values: readonly number[], tol: number): number[] {
  const s = [...values].sort((a, b) => a - b);
  const out: number[][] = [];
  for (const v of s) {
    const last = out[out.length - 1];
    if (last && v - last[last.length - 1]! <= tol) last.push(v);
    else out.push([v]);
  }
  return out.map((c) => c.reduce((a, b) => a + b, 0) / c.length);
}

/**
 * Column separators of a block of text lines: x positions that (almost) no line covers with a
 * word. A gap counts when at most `tolerance` lines cross it (spanning cells) and it is at least
 * `minGap` wide; the separator sits in its least-crossed part.
 */
function columnSeparators(lines: readonly TextLine[], minGap: number, spanTolerance: number): number[] {
  const toks = lines.flatMap((l) => l.toks);
  if (toks.length === 0) return [];
  const x0 = Math.floor(Math.min(...toks.map((t) => t.x0)));
  const x1 = Math.ceil(Math.max(...toks.map((t) => t.x1)));
  const n = x1 - x0 + 1;
  const cov = new Int32Array(n);
  for (const l of lines) {
    const seen = new Uint8Array(n);
    for (const t of l.toks) {
      for (let x = Math.max(0, Math.ceil(t.x0) - x0); x <= Math.min(n - 1, Math.floor(t.x1) - x0); x++) seen[x] = 1;
    }
    for (let x = 0; x < n; x++) cov[x]! += seen[x]!;
  }
  const tolerance = Math.floor(spanTolerance * lines.length);
  const seps: number[] = [];
  let start = -1;
  for (let x = 0; x <= n; x++) {
    const low = x < n && cov[x]! <= tolerance;
    if (low && start < 0) start = x;
    else if (!low && start >= 0) {
      if (start > 0 && x < n && x - start >= minGap) {
        let min = Infinity;
        for (let k = start; k < x; k++) min = Math.min(min, cov[k]!);
        let best = [start, start], run = -1;
        for (let k = start; k <= x; k++) {
          const at = k < x && cov[k] === min;
          if (at && run < 0) run = k;
          else if (!at && run >= 0) {
            if (k - run > best[1]! - best[0]!) best = [run, k];
            run = -1;
          }
        }
        seps.push(x0 + (best[0]! + best[1]!) / 2);
      }
      start = -1;
    }
  }
  return seps;
}

const colOf = (x: number, seps: readonly number[]) => {
  let c = 0;
  while (c < seps.length && x > seps[c]!) c++;
  return c;
};

/** Drop separators around columns that hold text on fewer than two lines (no persistent column). */
function persistentSeparators(lines: readonly TextLine[], seps: number[]): number[] {
  const s = [...seps];
  for (;;) {
    if (s.length === 0 || lines.length < 3) return s;
    const counts = new Array<number>(s.length + 1).fill(0);
    for (const l of lines) {
      const cols = new Set(l.toks.map((t) => colOf(t.cx, s)));
      for (const c of cols) counts[c]!++;
    }
    const weak = counts.findIndex((c) => c < 2);
    if (weak < 0) return s;
    // Remove the separator on the side that is less of a gap (the inner one at the edges).
    const drop = weak === 0 ? 0 : weak === s.length ? s.length - 1 : weak - 1;
    s.splice(drop, 1);
  }
}

/**
 * Lines into table rows: a line continues the row above (a wrapped cell) when it only has text
 * in columns that the line above also fills, holds no number, sits close, and reads as a
 * continuation (starts in lower case or an opening bracket, or the text above ends mid-phrase).
 */
function rowsOf(lines: readonly TextLine[], seps: readonly number[], medH: number): TextLine[][] {
  const rows: TextLine[][] = [];
  let prevWasContinuation: boolean = false;
  for (const line of lines) {
    const row = rows[rows.length - 1];
    const prev = row?.[row.length - 1];
    let cont = false;
    if (row && prev && line.y0 - prev.y1 <= 0.8 * medH) {
      const cellsOf = (l: TextLine) => {
        const m = new Map<number, string>();
        for (const t of l.toks) {
          const c = colOf(t.cx, seps);
          m.set(c, m.has(c) ? `${m.get(c)} ${t.text}` : t.text);
        }
        return m;
      };
      const mine = cellsOf(line), above = cellsOf(prev);
      const subset = [...mine.keys()].every((c) => above.has(c));
      const fewer: boolean = mine.size < above.size || (prevWasContinuation && mine.size <= above.size);
      const noNumber = [...mine.values()].every((t) => !isNumeric(t));
      const reads = [...mine.entries()].every(([c, t]) => /^[\p{Ll}(]/u.test(t) || CONTINUES.test(above.get(c) ?? ''));
      cont = subset && fewer && noNumber && reads;
    }
    if (cont) row!.push(line);
    else rows.push([line]);
    prevWasContinuation = cont;
  }
  return rows;
}

interface GridCell {
  r0: number;
  r1: number;
  c0: number;
  c1: number;
}

/**
 * Cells of a grid whose boundaries may be open: neighbouring slots joined by an open boundary
 * belong to one cell, grown to the rectangle covering them.
 */
function mergeSlots(rows: number, cols: number, vOpen: (r: number, c: number) => boolean, hOpen: (r: number, c: number) => boolean): GridCell[] {
  const parent = Array.from({ length: rows * cols }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const join = (a: number, b: number) => {
    const ra = find(a), rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  for (let r = 0; r < rows; r++) for (let c = 0; c + 1 < cols; c++) if (vOpen(r, c)) join(r * cols + c, r * cols + c + 1);
  for (let r = 0; r + 1 < rows; r++) for (let c = 0; c < cols; c++) if (hOpen(r, c)) join(r * cols + c, (r + 1) * cols + c);
  // Make every group a rectangle (an L-shaped group takes its bounding box).
  for (let changed = true; changed; ) {
    changed = false;
    const boxes = new Map<number, GridCell>();
    for (let i = 0; i < rows * cols; i++) {
      const g = find(i), r = Math.floor(i / cols), c = i % cols;
      const b = boxes.get(g);
      if (!b) boxes.set(g, { r0: r, r1: r, c0: c, c1: c });
      else Object.assign(b, { r0: Math.min(b.r0, r), r1: Math.max(b.r1, r), c0: Math.min(b.c0, c), c1: Math.max(b.c1, c) });
    }
    for (const [g, b] of boxes) {
      for (let r = b.r0; r <= b.r1; r++) {
        for (let c = b.c0; c <= b.c1; c++) {
          if (find(r * cols + c) !== find(g)) {
            join(g, r * cols + c);
            changed = true;
          }
        }
      }
    }
  }
  const seen = new Map<number, GridCell>();
  for (let i = 0; i < rows * cols; i++) {
    const g = find(i), r = Math.floor(i / cols), c = i % cols;
    const b = seen.get(g);
    if (!b) seen.set(g, { r0: r, r1: r, c0: c, c1: c });
    else Object.assign(b, { r0: Math.min(b.r0, r), r1: Math.max(b.r1, r), c0: Math.min(b.c0, c), c1: Math.max(b.c1, c) });
  }
  return [...seen.values()];
}

/** Text of the words in a cell: in lines top to bottom, left to right. */
function cellText(toks: readonly Tok[]): string {
  return textLines(toks)
    .map((l) => l.toks.map((t) => t.text).join(' '))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const round = (v: number) => Math.round(v);

/**
 * The table of a grid: slots merged into cells, words placed by their centre, rows and columns
 * that hold nothing dropped.
 */
function assembleTable(xs: readonly number[], ys: readonly number[], toks: readonly Tok[], vOpen: (r: number, c: number) => boolean, hOpen: (r: number, c: number) => boolean): DetectedTable | null {
  const rows = ys.length - 1, cols = xs.length - 1;
  if (rows < 1 || cols < 1) return null;
  const grid = mergeSlots(rows, cols, vOpen, hOpen);
  const slotOf = (t: Tok): [number, number] | null => {
    if (t.cx < xs[0]! || t.cx > xs[cols]! || t.cy < ys[0]! || t.cy > ys[rows]!) return null;
    return [Math.min(rows - 1, colOf(t.cy, ys.slice(1, -1))), Math.min(cols - 1, colOf(t.cx, xs.slice(1, -1)))];
  };
  const texts = new Map<GridCell, Tok[]>();
  const cellAt = new Map<string, GridCell>();
  for (const g of grid) for (let r = g.r0; r <= g.r1; r++) for (let c = g.c0; c <= g.c1; c++) cellAt.set(`${r},${c}`, g);
  for (const t of toks) {
    const s = slotOf(t);
    if (!s) continue;
    const g = cellAt.get(`${s[0]},${s[1]}`)!;
    texts.set(g, [...(texts.get(g) ?? []), t]);
  }
  // Drop rows (columns) where every cell touching them is empty and lies within them.
  const keepRow = Array.from({ length: rows }, (_, r) => grid.some((g) => g.r0 <= r && g.r1 >= r && (texts.has(g) || g.r0 !== g.r1)));
  const keepCol = Array.from({ length: cols }, (_, c) => grid.some((g) => g.c0 <= c && g.c1 >= c && (texts.has(g) || g.c0 !== g.c1)));
  const rowMap: number[] = [], colMap: number[] = [];
  let nr = 0, nc = 0;
  for (let r = 0; r < rows; r++) rowMap.push(keepRow[r] ? nr++ : -1);
  for (let c = 0; c < cols; c++) colMap.push(keepCol[c] ? nc++ : -1);
  if (nr === 0 || nc === 0) return null;
  const cells: TableCell[] = [];
  for (const g of grid) {
    const kr = [...Array(g.r1 - g.r0 + 1).keys()].map((k) => rowMap[g.r0 + k]!).filter((v) => v >= 0);
    const kc = [...Array(g.c1 - g.c0 + 1).keys()].map((k) => colMap[g.c0 + k]!).filter((v) => v >= 0);
    if (kr.length === 0 || kc.length === 0) continue;
    cells.push({
      row: kr[0]!,
      col: kc[0]!,
      row_span: kr.length,
      col_span: kc.length,
      bbox: [round(xs[g.c0]!), round(ys[g.r0]!), round(xs[g.c1 + 1]!), round(ys[g.r1 + 1]!)],
      text: cellText(texts.get(g) ?? []),
    });
  }
  cells.sort((a, b) => a.row - b.row || a.col - b.col);
  return { bbox: [round(xs[0]!), round(ys[0]!), round(xs[cols]!), round(ys[rows]!)], rows: nr, cols: nc, cells, header_rows: 1 };
}

/** Rows on or after which a cell (other than the first column's) holds a number: the body. */
function headerRowsOf(table: DetectedTable, hRules: readonly RuleSegment[]): number {
  const maxHeader = Math.min(4, table.rows - 1);
  if (maxHeader < 1) return Math.min(1, table.rows);
  const rowTop = (r: number) => Math.min(...table.cells.filter((c) => c.row === r).map((c) => c.bbox[1]));
  const rowBottom = (r: number) => Math.max(...table.cells.filter((c) => c.row + c.row_span - 1 === r).map((c) => c.bbox[3]), -Infinity);
  const width = table.bbox[2] - table.bbox[0];
  // A rule across the table under one of the first rows (booktabs) ends the header.
  for (let r = 0; r < maxHeader; r++) {
    const y0 = rowBottom(r) - 2, y1 = rowTop(r + 1) + 2;
    const ruled = hRules.some((h) => {
      const y = (h.y0 + h.y1) / 2;
      const cover = Math.min(h.x1, table.bbox[2]) - Math.max(h.x0, table.bbox[0]);
      return y >= y0 && y <= y1 && cover >= 0.6 * width;
    });
    if (ruled) return r + 1;
  }
  for (let r = 0; r < table.rows; r++) {
    const numeric = table.cells.some((c) => c.row === r && c.col > 0 && isNumeric(c.text));
    if (numeric) return r === 0 || r > maxHeader ? 1 : r;
  }
  return 1;
}

/** A borderless table from text lines, or null when they have no lasting column structure. */
function borderless(lines: readonly TextLine[], medH: number, o: TableDetectOptions): DetectedTable | null {
  if (lines.length < o.minLines) return null;
  const seps = persistentSeparators(lines, columnSeparators(lines, o.minColumnGap * medH, o.spanTolerance));
  if (seps.length === 0) return null;
  const rows = rowsOf(lines, seps, medH);
  if (rows.length < 2) return null;
  const toks = lines.flatMap((l) => l.toks);
  const x0 = Math.min(...toks.map((t) => t.x0)) - 1, x1 = Math.max(...toks.map((t) => t.x1)) + 1;
  const ys = [rows[0]![0]!.y0 - 1];
  for (let r = 0; r + 1 < rows.length; r++) {
    const a = rows[r]!, b = rows[r + 1]!;
    ys.push((Math.max(...a.map((l) => l.y1)) + Math.min(...b.map((l) => l.y0))) / 2);
  }
  ys.push(Math.max(...rows[rows.length - 1]!.map((l) => l.y1)) + 1);
  for (let k = 1; k < ys.length; k++) if (ys[k]! <= ys[k - 1]!) ys[k] = ys[k - 1]! + 0.5;
  const xs = [x0, ...seps, x1];
  const crosses = rows.map((row) => {
    const toksOfRow = row.flatMap((l) => l.toks);
    return seps.map((s) => toksOfRow.some((t) => t.x0 < s - 1 && t.x1 > s + 1));
  });
  const table = assembleTable(xs, ys, toks, (r, c) => crosses[r]![c]!, () => false);
  if (!table || table.rows < 2 || table.cols < 2) return null;
  // Column structure must persist: most rows fill two cells or more …
  const filled = new Map<number, number>();
  for (const c of table.cells) if (c.text) filled.set(c.row, (filled.get(c.row) ?? 0) + 1);
  const multi = [...filled.values()].filter((n) => n >= 2).length;
  if (multi < Math.max(2, 0.5 * table.rows)) return null;
  // … and cells are short: lines of prose side by side (a two-column page) are not a table.
  const words = table.cells.filter((c) => c.text).map((c) => c.text.split(/\s+/).length);
  if (median(words) >= o.proseWords) return null;
  return table;
}

/** Horizontal and vertical rules that touch, grouped: each group with two of each is a ruled table. */
function ruledRegions(rules: PageRules, tol: number): { h: RuleSegment[]; v: RuleSegment[]; box: BBox }[] {
  const all = [...rules.horizontal.map((s) => ({ s, h: true })), ...rules.vertical.map((s) => ({ s, h: false }))];
  const parent = all.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const nh = rules.horizontal.length;
  for (let i = 0; i < nh; i++) {
    const h = rules.horizontal[i]!;
    for (let j = 0; j < rules.vertical.length; j++) {
      const v = rules.vertical[j]!;
      if (v.x0 <= h.x1 + tol && v.x1 >= h.x0 - tol && h.y0 <= v.y1 + tol && h.y1 >= v.y0 - tol) {
        const a = find(i), b = find(nh + j);
        if (a !== b) parent[a] = b;
      }
    }
  }
  const groups = new Map<number, { h: RuleSegment[]; v: RuleSegment[] }>();
  all.forEach((e, i) => {
    const g = groups.get(find(i)) ?? { h: [], v: [] };
    (e.h ? g.h : g.v).push(e.s);
    groups.set(find(i), g);
  });
  return [...groups.values()]
    .filter((g) => g.h.length >= 2 && g.v.length >= 2)
    .map((g) => {
      const segs = [...g.h, ...g.v];
      return { ...g, box: [Math.min(...segs.map((s) => s.x0)), Math.min(...segs.map((s) => s.y0)), Math.max(...segs.map((s) => s.x1)), Math.max(...segs.map((s) => s.y1))] as BBox };
    });
}

/** Length of [a0, a1] covered by the given intervals. */
function covered(a0: number, a1: number, spans: readonly [number, number][]): number {
  const clipped = spans.map(([s, e]) => [Math.max(a0, s), Math.min(a1, e)] as const).filter(([s, e]) => e > s).sort((p, q) => p[0] - q[0]);
  let total = 0, end = a0;
  for (const [s, e] of clipped) {
    if (e <= end) continue;
    total += e - Math.max(s, end);
    end = e;
  }
  return total;
}

/** The table inside a ruled region: rows and columns from its rules, or from its text where rules are missing. */
function ruledTable(region: { h: RuleSegment[]; v: RuleSegment[]; box: BBox }, toks: readonly Tok[], medH: number, o: TableDetectOptions): DetectedTable | null {
  const [bx0, by0, bx1, by1] = region.box;
  const inside = toks.filter((t) => t.cx > bx0 && t.cx < bx1 && t.cy > by0 && t.cy < by1);
  if (inside.length < 2) return null;
  const tol = Math.max(3, 0.5 * medH);
  const withEdges = (ps: number[], lo: number, hi: number): Bound[] => {
    const b: Bound[] = ps.map((pos) => ({ pos, kind: 'rule' }));
    if (b.length === 0 || b[0]!.pos > lo + tol) b.unshift({ pos: lo, kind: 'edge' });
    if (b[b.length - 1]!.pos < hi - tol) b.push({ pos: hi, kind: 'edge' });
    return b;
  };
  let xb = withEdges(cluster(region.v.map((s) => (s.x0 + s.x1) / 2), tol), bx0, bx1);
  let yb = withEdges(cluster(region.h.map((s) => (s.y0 + s.y1) / 2), tol), by0, by1);
  const lines = textLines(inside);

  // Columns: the rules, or (no inner vertical rule) the text's own gaps.
  if (xb.length <= 2) {
    const seps = persistentSeparators(lines, columnSeparators(lines, o.minColumnGap * medH, o.spanTolerance));
    xb = [xb[0]!, ...seps.map((pos): Bound => ({ pos, kind: 'text' })), xb[xb.length - 1]!];
  }
  const seps = xb.slice(1, -1).map((b) => b.pos);
  // Rows: the rules when most rows are ruled, else every band split into its text rows.
  const innerH = yb.length - 2;
  if (innerH < 0.5 * (lines.length - 1)) {
    const next: Bound[] = [yb[0]!];
    for (let k = 0; k + 1 < yb.length; k++) {
      const a = yb[k]!.pos, b = yb[k + 1]!.pos;
      const band = lines.filter((l) => (l.y0 + l.y1) / 2 > a && (l.y0 + l.y1) / 2 < b);
      const rows = rowsOf(band, seps, medH);
      for (let r = 0; r + 1 < rows.length; r++) {
        const bottom = Math.max(...rows[r]!.map((l) => l.y1)), top = Math.min(...rows[r + 1]!.map((l) => l.y0));
        next.push({ pos: (bottom + top) / 2, kind: 'text' });
      }
      next.push(yb[k + 1]!);
    }
    yb = next;
  }
  const vSpans = (x: number) => region.v.filter((s) => Math.abs((s.x0 + s.x1) / 2 - x) <= tol).map((s) => [s.y0, s.y1] as [number, number]);
  const hSpans = (y: number) => region.h.filter((s) => Math.abs((s.y0 + s.y1) / 2 - y) <= tol).map((s) => [s.x0, s.x1] as [number, number]);
  const vCache = xb.map((b) => (b.kind === 'rule' ? vSpans(b.pos) : []));
  const hCache = yb.map((b) => (b.kind === 'rule' ? hSpans(b.pos) : []));
  const rowToks = yb.slice(0, -1).map((b, r) => inside.filter((t) => t.cy >= b.pos && t.cy < yb[r + 1]!.pos));
  const vOpen = (r: number, c: number) => {
    const b = xb[c + 1]!;
    if (b.kind === 'text') return rowToks[r]!.some((t) => t.x0 < b.pos - 1 && t.x1 > b.pos + 1);
    const y0 = yb[r]!.pos, y1 = yb[r + 1]!.pos;
    return covered(y0, y1, vCache[c + 1]!) < 0.6 * (y1 - y0);
  };
  const hOpen = (r: number, c: number) => {
    const b = yb[r + 1]!;
    if (b.kind !== 'rule') return false;
    const x0 = xb[c]!.pos, x1 = xb[c + 1]!.pos;
    return covered(x0, x1, hCache[r + 1]!) < 0.6 * (x1 - x0);
  };
  const table = assembleTable(
    xb.map((b) => b.pos),
    yb.map((b) => b.pos),
    inside,
    vOpen,
    hOpen,
  );
  if (!table || table.cells.filter((c) => c.text).length < 2 || (table.rows < 2 && table.cols < 2)) return null;
  return table;
}

function candidateRuns(lines: readonly TextLine[], medH: number): TextLine[][] {
  const phrases = (l: TextLine) => {
    let n = 1;
    for (let k = 1; k < l.toks.length; k++) if (l.toks[k]!.x0 - l.toks[k - 1]!.x1 > 1.2 * medH) n++;
    return n;
  };
  const tabular = lines.map((l) => phrases(l) >= 2);
  const runs: TextLine[][] = [];
  let cur: TextLine[] = [];
  const flush = () => {
    while (cur.length && !tabular[lines.indexOf(cur[cur.length - 1]!)]) cur.pop();
    if (cur.length) runs.push(cur);
    cur = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const prev = cur[cur.length - 1];
    if (prev && l.y0 - prev.y1 > 3 * medH) flush();
    if (tabular[i]) cur.push(l);
    else if (cur.length && tabular[i + 1] && (lines[i + 1]!.y0 - l.y1) <= 3 * medH) cur.push(l);
    else flush();
  }
  flush();
  return runs;
}

/**
 * Tables on a page: ruled tables from the page's rules (long thin runs of ink, intersected into
 * a grid; a missing rule merges cells into a span), then borderless tables from the alignment of
 * the remaining words (columns from gaps that stay empty across the lines, rows from lines, a
 * wrapped cell's lines joined). Every word is placed in the cell holding its centre.
 */
export function detectTables(image: RasterImage, lines: readonly Line[], options: Partial<TableDetectOptions> = {}): DetectedTable[] {
  const o: TableDetectOptions = { ...TABLE_DEFAULTS, ...options };
  if (!image || !Buffer.isBuffer(image.data) || image.data.length !== image.width * image.height * image.channels) {
    throw new OcrEngineError('bad_image', 'detectTables needs a raw image whose buffer holds width × height × channels bytes');
  }
  if (!Array.isArray(lines)) throw new OcrEngineError('bad_image', 'detectTables needs the page lines as an array');
  const toks = tokens(lines);
  if (toks.length < 4) return [];
  const medH = median(toks.map((t) => t.y1 - t.y0));
  const ruleOptions: RuleOptions = {
    darkThreshold: o.darkThreshold,
    maxWorkSide: o.maxWorkSide,
    minHorizontal: Math.max(25, 2.5 * medH),
    minVertical: Math.max(10, 0.9 * medH),
    maxThickness: Math.max(4, 0.35 * medH),
  };
  const found = findRules(image, ruleOptions);
  // A short vertical stroke is a rule only when it runs from one horizontal rule to another
  // (else it is a glyph: a bracket, an l).
  const tol = Math.max(3, 0.2 * medH);
  const touches = (y: number, x: number) => found.horizontal.some((h) => Math.abs((h.y0 + h.y1) / 2 - y) <= tol && x >= h.x0 - tol && x <= h.x1 + tol);
  const rules: PageRules = {
    horizontal: found.horizontal,
    vertical: found.vertical.filter((v) => v.y1 - v.y0 >= 2.5 * medH || (touches(v.y0, (v.x0 + v.x1) / 2) && touches(v.y1, (v.x0 + v.x1) / 2))),
  };
  const tables: DetectedTable[] = [];
  const used = new Set<Tok>();
  for (const region of ruledRegions(rules, tol)) {
    const table = ruledTable(region, toks, medH, o);
    if (!table) continue;
    table.header_rows = Math.max(1, ...table.cells.filter((c) => c.row === 0).map((c) => c.row_span));
    if (table.header_rows >= table.rows) table.header_rows = table.rows > 1 ? 1 : 0;
    tables.push(table);
    const [x0, y0, x1, y1] = region.box;
    for (const t of toks) if (t.cx > x0 && t.cx < x1 && t.cy > y0 && t.cy < y1) used.add(t);
  }
  const rest = toks.filter((t) => !used.has(t));
  const restLines = textLines(rest);
  const finish = (t: DetectedTable) => {
    t.header_rows = headerRowsOf(t, rules.horizontal);
    tables.push(t);
  };
  if (o.wholePage !== false && tables.length === 0) {
    const whole = borderless(restLines, medH, o);
    if (whole && (o.wholePage === true || wholePageLooksTabular(whole))) {
      finish(whole);
      return tables;
    }
  }
  if (o.wholePage === true) return tables;
  for (const run of candidateRuns(restLines, medH)) {
    const t = borderless(run, medH, o);
    if (t) finish(t);
  }
  return tables.sort((a, b) => a.bbox[1] - b.bbox[1] || a.bbox[0] - b.bbox[0]);
}

/** The whole page reads as one table when most of its rows fill several cells. */
function wholePageLooksTabular(t: DetectedTable): boolean {
  const filled = new Map<number, number>();
  for (const c of t.cells) if (c.text) filled.set(c.row, (filled.get(c.row) ?? 0) + 1);
  return [...filled.values()].filter((n) => n >= 2).length >= 0.7 * t.rows;
}

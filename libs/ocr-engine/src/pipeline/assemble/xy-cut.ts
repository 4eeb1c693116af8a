/** A box in the upright reading frame, [x0, y0, x1, y1]. */
export interface CutItem {
  box: readonly [number, number, number, number];
}

export interface XyCutOptions {
  /** A column gutter must be at least this many median line heights wide. */
  readonly minGutter: number;
  /**
   * A vertical cut only separates columns when the lines on each side are at least this many
   * times wider than the gutter (text columns are much wider than the space between them; a
   * label and its value on a receipt are not).
   */
  readonly columnWidthRatio: number;
  /** …and at least this many median line heights wide (lines of a text column hold words, not a figure). */
  readonly minColumnWidth: number;
  /**
   * A gutter may be crossed by a few boxes (a caption or a pull quote set across it, a title above
   * the columns): at most this share of the group's boxes. Boxes above both columns are read first;
   * the others (floating captions) after both columns. 0 = gutters must be clear.
   */
  readonly maxCrossingShare: number;
}

export const XY_CUT_DEFAULTS: XyCutOptions = { minGutter: 0.2, columnWidthRatio: 2, minColumnWidth: 8, maxCrossingShare: 0.1 };

/** A group of rows in reading order, and the column it sits in (a path of column indices). */
export interface CutLeaf<T extends CutItem> {
  column: string;
  rows: T[][];
}

const height = (i: CutItem) => i.box[3] - i.box[1];
const width = (i: CutItem) => i.box[2] - i.box[0];

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Recursive XY-cut: split into columns first (at the widest gutter that separates text columns),
 * else at the widest horizontal gap, and recurse; what cannot be cut is grouped into rows by
 * vertical overlap, each row read left to right.
 */
export function xyCut<T extends CutItem>(items: readonly T[], options: XyCutOptions = XY_CUT_DEFAULTS): CutLeaf<T>[] {
  const lineHeight = median(items.map(height));
  const out: CutLeaf<T>[] = [];
  const visit = (group: readonly T[], column: string): void => {
    if (group.length === 0) return;
    if (group.length > 1) {
      const cols = splitColumns(group, lineHeight, options);
      if (cols) {
        visit(cols[0], `${column}/0`);
        visit(cols[1], `${column}/1`);
        return;
      }
      const crossed = splitCrossedColumns(group, lineHeight, options);
      if (crossed) {
        visit(crossed.head, `${column}/h`);
        visit(crossed.left, `${column}/0`);
        visit(crossed.right, `${column}/1`);
        visit(crossed.rest, `${column}/f`);
        return;
      }
      const bands = splitAtWidestGap(group, 1);
      if (bands) {
        visit(bands[0], column);
        visit(bands[1], column);
        return;
      }
    }
    out.push({ column, rows: groupRows(group) });
  };
  visit(items, '');
  return out;
}

/** Gaps between the merged projections of the items on one axis (0 = x, 1 = y). */
function gaps<T extends CutItem>(items: readonly T[], axis: 0 | 1): { from: number; to: number }[] {
  const iv = items.map((i) => [i.box[axis], i.box[axis + 2]] as const).sort((a, b) => a[0] - b[0]);
  const result: { from: number; to: number }[] = [];
  let end = iv[0]![1];
  for (let k = 1; k < iv.length; k++) {
    const [s, e] = iv[k]!;
    if (s > end) result.push({ from: end, to: s });
    end = Math.max(end, e);
  }
  return result;
}

function splitAtWidestGap<T extends CutItem>(items: readonly T[], axis: 0 | 1): [T[], T[]] | undefined {
  const g = gaps(items, axis);
  if (g.length === 0) return undefined;
  const widest = g.reduce((a, b) => (b.to - b.from > a.to - a.from ? b : a));
  const cut = (widest.from + widest.to) / 2;
  return [items.filter((i) => i.box[axis + 2] <= cut), items.filter((i) => i.box[axis + 2] > cut)];
}

function splitColumns<T extends CutItem>(items: readonly T[], lineHeight: number, options: XyCutOptions): [T[], T[]] | undefined {
  const candidates = gaps(items, 0)
    .filter((g) => g.to - g.from >= options.minGutter * lineHeight)
    .sort((a, b) => b.to - b.from - (a.to - a.from));
  for (const g of candidates) {
    const cut = (g.from + g.to) / 2;
    const left = items.filter((i) => i.box[2] <= cut), right = items.filter((i) => i.box[2] > cut);
    // Columns stand side by side: their vertical extents overlap.
    if (!areColumns(left, right, g.to - g.from, lineHeight, options, 0)) continue;
    return [left, right];
  }
  return undefined;
}

/** Whether two sides pass as text columns: wide lines next to a comparatively narrow gutter, side by side. */
function areColumns<T extends CutItem>(left: readonly T[], right: readonly T[], gutter: number, lineHeight: number, options: XyCutOptions, minOverlap: number): boolean {
  if (left.length < 2 || right.length < 2) return false;
  const narrowest = Math.min(median(left.map(width)), median(right.map(width)));
  if (narrowest < options.columnWidthRatio * gutter || narrowest < options.minColumnWidth * lineHeight) return false;
  const ly0 = Math.min(...left.map((i) => i.box[1])), ly1 = Math.max(...left.map((i) => i.box[3]));
  const ry0 = Math.min(...right.map((i) => i.box[1])), ry1 = Math.max(...right.map((i) => i.box[3]));
  const overlap = Math.min(ly1, ry1) - Math.max(ly0, ry0);
  return overlap > minOverlap * Math.min(ly1 - ly0, ry1 - ry0);
}

/**
 * Columns whose gutter is crossed by a few boxes (a caption set across it, a title above it): the
 * x where the fewest boxes cross, among runs at least `minGutter` line heights wide that the other
 * boxes leave clear. The crossing boxes must be few (`maxCrossingShare`); those narrower than half
 * the page's text are captions (read after the columns) or, above the columns, titles (read first);
 * a wide one between the columns' rows is a full-width band, which the horizontal cut handles instead.
 */
function splitCrossedColumns<T extends CutItem>(
  items: readonly T[],
  lineHeight: number,
  options: XyCutOptions,
): { head: T[]; left: T[]; right: T[]; rest: T[] } | undefined {
  const maxCross = Math.floor(options.maxCrossingShare * items.length);
  if (maxCross < 1 || lineHeight <= 0) return undefined;
  const x0 = Math.min(...items.map((i) => i.box[0])), x1 = Math.max(...items.map((i) => i.box[2]));
  const step = Math.max(1, lineHeight / 4);
  const n = Math.ceil((x1 - x0) / step);
  if (n < 3) return undefined;
  const cover = new Array<number>(n).fill(0);
  for (const it of items) {
    const a = Math.ceil((it.box[0] - x0) / step), b = Math.floor((it.box[2] - x0) / step);
    for (let k = Math.max(0, a); k <= Math.min(n - 1, b); k++) cover[k]!++;
  }
  // Candidate cuts: the least-covered position of each run of low cover, fewest crossings first.
  const cuts: { x: number; crossing: number }[] = [];
  for (let k = 0; k < n; ) {
    if (cover[k]! > maxCross) { k++; continue; }
    let best = k;
    let e = k;
    while (e < n && cover[e]! <= maxCross) {
      if (cover[e]! < cover[best]!) best = e;
      e++;
    }
    let end = best;
    while (end + 1 < e && cover[end + 1] === cover[best]) end++;
    if (k > 0 && e < n) cuts.push({ x: x0 + ((best + end) / 2 + 0.5) * step, crossing: cover[best]! });
    k = e;
  }
  cuts.sort((a, b) => a.crossing - b.crossing);
  const span = x1 - x0;
  for (const { x } of cuts) {
    const left = items.filter((i) => i.box[2] <= x), right = items.filter((i) => i.box[0] >= x);
    const crossers = items.filter((i) => i.box[2] > x && i.box[0] < x);
    if (crossers.length === 0 || crossers.length > maxCross) continue;
    if (left.length < 2 || right.length < 2) continue;
    const gutter = Math.min(...right.map((i) => i.box[0])) - Math.max(...left.map((i) => i.box[2]));
    if (gutter < options.minGutter * lineHeight) continue;
    if (!areColumns(left, right, gutter, lineHeight, options, 0.5)) continue;
    const top = Math.min(...left.concat(right).map((i) => i.box[1]));
    const head = crossers.filter((i) => i.box[3] <= top + 0.5 * height(i));
    const rest = crossers.filter((i) => !head.includes(i));
    if (rest.some((i) => width(i) > 0.5 * span)) continue;
    return { head, left, right, rest };
  }
  return undefined;
}

/** Group items into rows by vertical overlap (at least half the smaller height); rows top to bottom, items left to right. */
export function groupRows<T extends CutItem>(items: readonly T[]): T[][] {
  const sorted = [...items].sort((a, b) => a.box[1] + a.box[3] - (b.box[1] + b.box[3]));
  const rows: { y0: number; y1: number; items: T[] }[] = [];
  for (const it of sorted) {
    const h = height(it);
    const row = rows.find((r) => {
      const overlap = Math.min(r.y1, it.box[3]) - Math.max(r.y0, it.box[1]);
      return overlap >= 0.5 * Math.min(h, r.y1 - r.y0);
    });
    if (row) {
      row.items.push(it);
      row.y0 = Math.min(row.y0, it.box[1]);
      row.y1 = Math.max(row.y1, it.box[3]);
    } else rows.push({ y0: it.box[1], y1: it.box[3], items: [it] });
  }
  rows.sort((a, b) => a.y0 + a.y1 - (b.y0 + b.y1));
  return rows.map((r) => r.items.sort((a, b) => a.box[0] - b.box[0]));
}

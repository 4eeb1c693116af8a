import { bounds, miniBox, type Point, type Quad, dist } from '../../geometry/geometry';

/** PaddleOCR's DBPostProcess parameters (PP-OCRv4 defaults in `DB_DEFAULTS`). */
export interface DbOptions {
  /** Probability above which a pixel is text. */
  readonly thresh: number;
  /** Mean probability inside a box below which the box is dropped. */
  readonly boxThresh: number;
  /** How far a shrunk text kernel is grown back (area × ratio / perimeter). */
  readonly unclipRatio: number;
  readonly maxCandidates: number;
  /** Boxes with a shorter side (in detector pixels) are dropped. */
  readonly minSize: number;
  /**
   * Smallest unclip distance, in detector pixels (absent or 0: PaddleOCR's area × ratio / perimeter
   * alone). The kernels the model finds on small text are a few pixels thick whatever the text's
   * height, so the unclip grown from them leaves a box no taller than the text, or clips it; see
   * `dbOptionsFor`, which sets this from a margin in page pixels.
   */
  readonly minUnclip?: number;
}

export const DB_DEFAULTS: DbOptions = { thresh: 0.3, boxThresh: 0.6, unclipRatio: 1.5, maxCandidates: 1000, minSize: 3 };

export interface ProbMap {
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
}

export interface DetectedBox {
  /** Corners in detector pixels: top-left, top-right, bottom-right, bottom-left. */
  quad: Quad;
  /** Mean text probability inside the (un-grown) box. */
  score: number;
}

/**
 * DB post-process (PaddleOCR `boxes_from_bitmap`): binarise at `thresh`, take each 8-connected
 * component (standing in for an external contour), fit its min-area rectangle, score it on the
 * probability map, grow it by the unclip distance and fit again.
 */
export function dbPostprocess(map: ProbMap, options: DbOptions): DetectedBox[] {
  const { width, height, data } = map;
  const labels = new Int32Array(width * height);
  const out: DetectedBox[] = [];
  let next = 0;
  const stack: number[] = [];
  for (let start = 0; start < data.length && next < options.maxCandidates; start++) {
    if (labels[start] !== 0 || !(data[start]! > options.thresh)) continue;
    next++;
    // Flood-fill the component and keep each row's leftmost and rightmost pixel: their hull is the component's.
    const rowMin = new Map<number, number>();
    const rowMax = new Map<number, number>();
    labels[start] = next;
    stack.push(start);
    while (stack.length > 0) {
      const i = stack.pop()!;
      const x = i % width, y = (i - x) / width;
      const lo = rowMin.get(y);
      if (lo === undefined || x < lo) rowMin.set(y, x);
      const hi = rowMax.get(y);
      if (hi === undefined || x > hi) rowMax.set(y, x);
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if ((dx === 0 && dy === 0) || nx < 0 || nx >= width) continue;
          const j = ny * width + nx;
          if (labels[j] === 0 && data[j]! > options.thresh) {
            labels[j] = next;
            stack.push(j);
          }
        }
      }
    }
    const points: Point[] = [];
    for (const [y, x0] of rowMin) {
      points.push([x0, y]);
      const x1 = rowMax.get(y)!;
      if (x1 !== x0) points.push([x1, y]);
    }
    const box = boxFromContour(points, map, options);
    if (box) out.push(box);
  }
  return out;
}

/** One contour → one box, or undefined when it is too small or too faint (PaddleOCR's rules). */
export function boxFromContour(points: readonly Point[], map: ProbMap, options: DbOptions): DetectedBox | undefined {
  const first = miniBox(points);
  if (first.shortSide < options.minSize) return undefined;
  const score = boxScoreFast(map, first.quad);
  if (options.boxThresh > score) return undefined;
  const grown = unclipRect(first.quad, options.unclipRatio, options.minUnclip ?? 0);
  const second = miniBox(grown);
  if (second.shortSide < options.minSize + 2) return undefined;
  return { quad: second.quad, score };
}

/**
 * PaddleOCR's `box_score_fast`: the mean probability over the pixels of the box's integer
 * bounding rectangle that fall inside the box polygon (vertices truncated to integers).
 */
export function boxScoreFast(map: ProbMap, quad: Quad): number {
  const { width, height, data } = map;
  const [bx0, by0, bx1, by1] = bounds(quad);
  const xmin = clamp(Math.floor(bx0), 0, width - 1), xmax = clamp(Math.ceil(bx1), 0, width - 1);
  const ymin = clamp(Math.floor(by0), 0, height - 1), ymax = clamp(Math.ceil(by1), 0, height - 1);
  const poly = quad.map(([x, y]) => [Math.trunc(x), Math.trunc(y)] as Point);
  let sum = 0, n = 0;
  for (let y = ymin; y <= ymax; y++) {
    for (let x = xmin; x <= xmax; x++) {
      if (!insideConvex(poly, x, y)) continue;
      sum += data[y * width + x]!;
      n++;
    }
  }
  return n === 0 ? 0 : sum / n;
}

/**
 * Grow a rectangle by PaddleOCR's unclip distance d = area × ratio / perimeter (at least
 * `minDistance`). Clipper's rounded offset of a rectangle by d has the rectangle grown by d on
 * every side as its min-area rectangle, so that is computed directly.
 */
export function unclipRect(quad: Quad, ratio: number, minDistance = 0): Point[] {
  const w = dist(quad[0], quad[1]), h = dist(quad[1], quad[2]);
  if (w === 0 || h === 0) return [...quad];
  const d = Math.max((w * h * ratio) / (2 * (w + h)), minDistance);
  const ux = (quad[1][0] - quad[0][0]) / w, uy = (quad[1][1] - quad[0][1]) / w;
  const vx = (quad[3][0] - quad[0][0]) / h, vy = (quad[3][1] - quad[0][1]) / h;
  const grow = (p: Point, su: number, sv: number): Point => [p[0] + d * (su * ux + sv * vx), p[1] + d * (su * uy + sv * vy)];
  return [grow(quad[0], -1, -1), grow(quad[1], 1, -1), grow(quad[2], 1, 1), grow(quad[3], -1, 1)];
}

function insideConvex(poly: readonly Point[], x: number, y: number): boolean {
  let sign = 0;
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i]!, b = poly[(i + 1) % poly.length]!;
    const c = (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]);
    if (c === 0) continue;
    const s = c > 0 ? 1 : -1;
    if (sign === 0) sign = s;
    else if (s !== sign) return false;
  }
  return true;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

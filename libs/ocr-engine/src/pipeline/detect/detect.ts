import type { Point, Quad } from '../../geometry/geometry';
import { dist } from '../../geometry/geometry';
import type { PageRaster } from '../load/load';
import type { ModelRunner } from '../session';
import { dbPostprocess, type DbOptions } from './db-postprocess';
import { dbOptionsFor, detToPage, prepareDetInput, type DetGeometry, type DetResizeOptions } from './preprocess';

export interface DetectOptions extends DetResizeOptions, DbOptions {}

export interface TextBox {
  /** Corners in page pixels, clockwise from the top-left (PaddleOCR's order). */
  quad: Quad;
  score: number;
}

export interface DetectResult {
  boxes: TextBox[];
  geometry: DetGeometry;
}

/** Detect text boxes on a page with the DB model: preprocess → run → post-process → page pixels. */
export async function detect(page: PageRaster, det: ModelRunner, options: DetectOptions): Promise<DetectResult> {
  const { tensor, geometry } = await prepareDetInput(page, options);
  const out = await det.run(tensor, [1, 3, geometry.height, geometry.width]);
  const mapH = out.dims[2]!, mapW = out.dims[3]!;
  const found = dbPostprocess({ data: out.data, width: mapW, height: mapH }, dbOptionsFor(options, geometry));
  const boxes: TextBox[] = [];
  for (const b of found) {
    const quad = b.quad.map(([x, y]) => {
      const [px, py] = detToPage(geometry, (x * geometry.width) / mapW, (y * geometry.height) / mapH);
      return [clamp(Math.round(px), 0, page.width - 1), clamp(Math.round(py), 0, page.height - 1)] as Point;
    });
    const ordered = orderClockwise(quad);
    if (Math.trunc(dist(ordered[0], ordered[1])) <= 3 || Math.trunc(dist(ordered[0], ordered[3])) <= 3) continue;
    boxes.push({ quad: ordered, score: b.score });
  }
  return { boxes: sortBoxes(boxes), geometry };
}

/** PaddleOCR's `order_points_clockwise`: top-left, top-right, bottom-right, bottom-left. */
export function orderClockwise(points: readonly Point[]): Quad {
  const byX = [...points].sort((a, b) => a[0] - b[0]);
  const left = byX.slice(0, 2).sort((a, b) => a[1] - b[1]);
  const right = byX.slice(2).sort((a, b) => a[1] - b[1]);
  return [left[0]!, right[0]!, right[1]!, left[1]!];
}

/** PaddleOCR's `sorted_boxes`: top to bottom, then left to right among boxes within 10 px in y. */
export function sortBoxes<T extends { quad: Quad }>(boxes: readonly T[]): T[] {
  const s = [...boxes].sort((a, b) => a.quad[0][1] - b.quad[0][1] || a.quad[0][0] - b.quad[0][0]);
  for (let i = 0; i < s.length - 1; i++) {
    for (let j = i; j >= 0; j--) {
      const a = s[j]!, b = s[j + 1]!;
      if (Math.abs(b.quad[0][1] - a.quad[0][1]) < 10 && b.quad[0][0] < a.quad[0][0]) {
        s[j] = b;
        s[j + 1] = a;
      } else break;
    }
  }
  return s;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

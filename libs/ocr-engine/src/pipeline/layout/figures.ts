import type { BBox } from '@ocr/documents';
import type { RasterImage } from '../../engine';
import { findRules } from '../../tables/table.rules';

export interface FigureOptions {
  /** A pixel is ink when its grey value is below this (0–255). */
  readonly darkThreshold: number;
  /** The page is looked at in square cells, this many along its long side. */
  readonly cellsPerSide: number;
  /** A cell holds ink when at least this share of its pixels is ink. */
  readonly minCellInk: number;
  /** Text boxes are grown by this many of their heights before their ink is ignored. */
  readonly textMargin: number;
  /** A figure is at least this share of the page's width and of its height… */
  readonly minSide: number;
  /** …covers at least this share of the page's area… */
  readonly minArea: number;
  /** …and ink is in at least this share of the cells of its box (a frame or a few specks is not a figure). */
  readonly minFill: number;
}

export const FIGURE_DEFAULTS: FigureOptions = {
  darkThreshold: 160,
  cellsPerSide: 160,
  minCellInk: 0.02,
  textMargin: 0.3,
  minSide: 0.08,
  minArea: 0.015,
  minFill: 0.2,
};

/**
 * Figures: regions of ink that no text box explains (pictures, drawings, charts), found on a grid
 * of cells: text boxes, tables and ruling lines are blanked, the remaining inked cells are joined
 * (across one empty cell) into regions, and a region is a figure when it is large, filled enough
 * and away from the page's edge (a scan's dark border or the desk around a photographed receipt is
 * not a figure). Returns boxes in page pixels, top to bottom.
 */
export function findFigures(image: RasterImage, textBoxes: readonly BBox[], exclude: readonly BBox[], options: FigureOptions = FIGURE_DEFAULTS): BBox[] {
  const { width: W, height: H, channels: ch, data } = image;
  const cell = Math.max(2, Math.ceil(Math.max(W, H) / options.cellsPerSide));
  const gw = Math.ceil(W / cell), gh = Math.ceil(H / cell);
  if (gw < 3 || gh < 3) return [];
  const ink = new Uint32Array(gw * gh);
  const t = options.darkThreshold * 1000;
  for (let y = 0; y < H; y++) {
    const row = ((y / cell) | 0) * gw;
    let i = y * W * ch;
    for (let x = 0; x < W; x++, i += ch) {
      const g = ch >= 3 ? data[i]! * 299 + data[i + 1]! * 587 + data[i + 2]! * 114 : data[i]! * 1000;
      if (g < t) ink[row + ((x / cell) | 0)]!++;
    }
  }
  const minInk = Math.max(4, options.minCellInk * cell * cell);
  const on = new Uint8Array(gw * gh);
  for (let k = 0; k < on.length; k++) on[k] = ink[k]! >= minInk ? 1 : 0;

  const blank = (x0: number, y0: number, x1: number, y1: number) => {
    const a = Math.max(0, Math.floor(x0 / cell)), b = Math.min(gw - 1, Math.floor(x1 / cell));
    const c = Math.max(0, Math.floor(y0 / cell)), d = Math.min(gh - 1, Math.floor(y1 / cell));
    for (let gy = c; gy <= d; gy++) for (let gx = a; gx <= b; gx++) on[gy * gw + gx] = 0;
  };
  for (const [x0, y0, x1, y1] of textBoxes) {
    const m = options.textMargin * (y1 - y0);
    blank(x0 - m, y0 - m, x1 + m, y1 + m);
  }
  for (const [x0, y0, x1, y1] of exclude) blank(x0, y0, x1, y1);
  const rules = findRules(image, { darkThreshold: options.darkThreshold, maxWorkSide: 1600, minHorizontal: 0.1 * W, minVertical: 0.1 * H, maxThickness: Math.max(3, 0.004 * Math.max(W, H)) });
  for (const r of [...rules.horizontal, ...rules.vertical]) blank(r.x0, r.y0, r.x1, r.y1);

  // Regions: inked cells joined when at most one empty cell apart (8-neighbourhood of radius 2).
  const label = new Int32Array(gw * gh).fill(-1);
  const figures: BBox[] = [];
  const stack: number[] = [];
  for (let start = 0; start < on.length; start++) {
    if (!on[start] || label[start]! >= 0) continue;
    let count = 0, x0 = gw, y0 = gh, x1 = -1, y1 = -1;
    label[start] = start;
    stack.push(start);
    while (stack.length) {
      const k = stack.pop()!;
      const kx = k % gw, ky = (k / gw) | 0;
      count++;
      if (kx < x0) x0 = kx;
      if (kx > x1) x1 = kx;
      if (ky < y0) y0 = ky;
      if (ky > y1) y1 = ky;
      for (let dy = -2; dy <= 2; dy++) {
        const ny = ky + dy;
        if (ny < 0 || ny >= gh) continue;
        for (let dx = -2; dx <= 2; dx++) {
          const nx = kx + dx;
          if (nx < 0 || nx >= gw) continue;
          const n = ny * gw + nx;
          if (on[n] && label[n]! < 0) {
            label[n] = start;
            stack.push(n);
          }
        }
      }
    }
    const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    const touchesEdge = x0 <= 0 || y0 <= 0 || x1 >= gw - 1 || y1 >= gh - 1;
    if (touchesEdge) continue;
    if (bw * cell < options.minSide * W || bh * cell < options.minSide * H) continue;
    if (bw * bh * cell * cell < options.minArea * W * H) continue;
    if (count < options.minFill * bw * bh) continue;
    figures.push([x0 * cell, y0 * cell, Math.min(W, (x1 + 1) * cell), Math.min(H, (y1 + 1) * cell)]);
  }
  return figures.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
}

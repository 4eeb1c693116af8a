import { bounds, quadSize, type Quad } from '../../geometry/geometry';
import { median } from '../assemble/xy-cut';

export interface LineImageOptions {
  /** A page counts as a line image when it is at most this many median box heights tall (0 = never merge). */
  readonly maxPageLines: number;
}

export const LINE_IMAGE_DEFAULTS: LineImageOptions = { maxPageLines: 3 };

/**
 * A page that holds one text line (a line image: a scanned line, a handwritten line strip) is read
 * as one line. Detection often breaks such a line into word fragments (handwriting above all: wide
 * gaps, touching strokes), and the recognizer reads a word far better with its neighbours on the
 * same crop than alone. When every box is a horizontal fragment of one row and the page is at most
 * `maxPageLines` box heights tall, the boxes are replaced by the one rectangle that holds them all.
 * Anything else (several rows, a tall box, a page with room for more lines) is returned unchanged.
 */
export function mergeLineImage(quads: readonly Quad[], pageWidth: number, pageHeight: number, options: LineImageOptions = LINE_IMAGE_DEFAULTS): Quad[] {
  if (quads.length < 2 || options.maxPageLines <= 0) return [...quads];
  const boxes = quads.map((q) => bounds(q));
  for (const q of quads) {
    const { width, height } = quadSize(q);
    if (height >= width) return [...quads]; // a vertical or square box: not a fragment of one horizontal line
  }
  const heights = boxes.map((b) => b[3] - b[1]);
  const h = median(heights);
  if (h <= 0 || pageHeight > options.maxPageLines * h) return [...quads];
  // One row: every box overlaps the band of the median box by at least half its own height.
  const centres = boxes.map((b) => (b[1] + b[3]) / 2).sort((a, b) => a - b);
  const mid = centres[centres.length >> 1]!;
  const band: [number, number] = [mid - h / 2, mid + h / 2];
  for (const b of boxes) {
    const overlap = Math.min(band[1], b[3]) - Math.max(band[0], b[1]);
    if (overlap < 0.5 * Math.min(h, b[3] - b[1])) return [...quads];
  }
  // The line runs across the page: detection misses faint words at its ends, so take it edge to edge.
  const y0 = Math.max(0, Math.min(...boxes.map((b) => b[1]))), y1 = Math.min(pageHeight - 1, Math.max(...boxes.map((b) => b[3])));
  const x1 = pageWidth - 1;
  return [[[0, y0], [x1, y0], [x1, y1], [0, y1]]];
}

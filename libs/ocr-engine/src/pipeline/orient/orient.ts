import { quadSize, type Quad } from '../../geometry/geometry';

/**
 * Whether the text on a page runs vertically (page turned by 90° or 270°): most boxes are tall
 * and narrow (h/w ≥ tallRatio) and there are at least `minBoxes` of them, the long ones counting more.
 */
export function looksTurned(quads: readonly Quad[], tallRatio = 1.5, minBoxes = 3): boolean {
  let tall = 0, wide = 0, nTall = 0;
  for (const q of quads) {
    const { width, height } = quadSize(q);
    if (height >= tallRatio * width) {
      tall += height;
      nTall++;
    } else if (width >= tallRatio * height) wide += width;
  }
  return nTall >= minBoxes && tall > 2 * wide;
}

/** The `n` boxes with the longest long side (the most telling for orientation), by index. */
export function longestBoxes(quads: readonly Quad[], n: number): number[] {
  return quads
    .map((q, i) => {
      const { width, height } = quadSize(q);
      return { i, len: Math.max(width, height) };
    })
    .sort((a, b) => b.len - a.len)
    .slice(0, n)
    .map((x) => x.i);
}

/** A page reads upside down when at least half its lines (and two or more) read better turned. */
export function isUpsideDown(confirmedFlips: number, lines: number): boolean {
  return confirmedFlips >= 2 && confirmedFlips >= 0.5 * lines;
}

export const meanScore = (lines: readonly { score: number }[]): number =>
  lines.length === 0 ? 0 : lines.reduce((s, l) => s + l.score, 0) / lines.length;

import type { LineCrop } from '../crop/crop';
import type { ModelRunner } from '../session';
import { ctcClasses } from './ctc';
import { recognize, type RecognizeStageOptions } from './recognize';
import { cutPoints, sliceColumns, type LineImage } from './split';

const H = 48;

/** A white line image with black ink in the given column ranges (rows 12–36). */
function line(width: number, inked: [number, number][], colours = { paper: 255, ink: 0 }): LineImage {
  const data = new Uint8Array(width * H * 3).fill(colours.paper);
  for (const [x0, x1] of inked) {
    for (let y = 12; y < 36; y++) for (let x = x0; x < x1; x++) data.fill(colours.ink, (y * width + x) * 3, (y * width + x) * 3 + 3);
  }
  return { data, width, height: H };
}

/** Words of `letters` 16-column letters 16 columns apart, words `gap` more columns apart, from column 16. */
function words(count: number, letters: number, gap: number): { image: LineImage; inked: [number, number][] } {
  const inked: [number, number][] = [];
  let x = 16;
  for (let w = 0; w < count; w++) {
    for (let l = 0; l < letters; l++, x += 32) inked.push([x, x + 16]);
    x += gap;
  }
  return { image: line(x + 16, inked), inked };
}

describe(cutPoints.name, () => {
  it('leaves a line no wider than the limit whole', () => {
    expect(cutPoints(line(900, [[10, 890]]), 960)).toEqual({ bounds: [0, 900], blanks: [0, 0] });
    expect(cutPoints(line(2000, [[10, 1990]]), 0).bounds).toEqual([0, 2000]);
  });

  it('cuts a long line in the middle of word gaps, every piece within the limit', () => {
    const { image, inked } = words(20, 5, 64);
    const { bounds: cuts, blanks } = cutPoints(image, 960);
    expect(blanks.slice(1, -1).every((b) => b === 80)).toBe(true);
    expect(cuts[0]).toBe(0);
    expect(cuts[cuts.length - 1]).toBe(image.width);
    for (let k = 1; k < cuts.length; k++) expect(cuts[k]! - cuts[k - 1]!).toBeLessThanOrEqual(960);
    // No cut goes through ink, and each lies in a word gap (16 + 64 columns), not between letters (16).
    for (const c of cuts.slice(1, -1)) {
      expect(inked.some(([a, b]) => c >= a && c < b)).toBe(false);
      const before = Math.max(...inked.filter(([, b]) => b <= c).map(([, b]) => b));
      const after = Math.min(...inked.filter(([a]) => a > c).map(([a]) => a));
      expect(after - before).toBe(80);
    }
  });

  it('cuts at the faintest column when the line has no blank one, light text on a dark band too', () => {
    const solid = line(2000, [[0, 2000]]);
    const { bounds: cuts, blanks } = cutPoints(solid, 960);
    expect(blanks.every((b) => b === 0)).toBe(true);
    expect(cuts.length).toBeGreaterThan(2);
    for (let k = 1; k < cuts.length; k++) expect(cuts[k]! - cuts[k - 1]!).toBeLessThanOrEqual(960);
    const { inked } = words(20, 5, 64);
    const inverted = line(inked[inked.length - 1]![1] + 8, inked, { paper: 20, ink: 230 });
    for (const c of cutPoints(inverted, 960).bounds.slice(1, -1)) expect(inked.some(([a, b]) => c >= a && c < b)).toBe(false);
  });
});

describe(sliceColumns.name, () => {
  it('copies the columns of every row', () => {
    const image = line(100, [[40, 50]]);
    const piece = sliceColumns(image, 30, 60);
    expect([piece.width, piece.height, piece.x0]).toEqual([30, H, 30]);
    expect(piece.data[(20 * 30 + 5) * 3]).toBe(255);
    expect(piece.data[(20 * 30 + 15) * 3]).toBe(0);
  });
});

describe('recognize with long lines read in pieces', () => {
  const dict = ctcClasses('a\n');
  /**
   * A stand-in recognizer that reads ink: one time step per 8 columns (as PP-OCRv4), the letter
   * `a` where all the step's columns are ink, blank elsewhere. Records the input widths it was given.
   */
  class InkReader implements ModelRunner {
    widths: number[] = [];
    async run(input: Float32Array, dims: readonly number[]) {
      const [n, , h, w] = dims as [number, number, number, number];
      this.widths.push(w);
      const T = w / 8, C = dict.length;
      const data = new Float32Array(n * T * C);
      for (let k = 0; k < n; k++) {
        for (let t = 0; t < T; t++) {
          let ink = true;
          for (let x = t * 8; x < t * 8 + 8 && ink; x++) ink = input[k * 3 * h * w + 24 * w + x]! < -0.5; // row 24, first plane
          data[(k * T + t) * C + (ink ? 1 : 0)] = 1;
        }
      }
      return { data, dims: [n, T, C] };
    }
  }
  const options: RecognizeStageOptions = { batchSize: 6, minWidth: 48, maxWidth: 960, spaceGap: 0.6, spaceProbWeight: 2, minGlyphSteps: 2 };
  const crop = (image: LineImage): LineCrop => ({ ...image, quad: [[0, 0], [image.width, 0], [image.width, H], [0, H]], nativeWidth: image.width, nativeHeight: H });

  it('reads the same words, with the same boxes, as the whole line read at once', async () => {
    const { image } = words(20, 5, 64);
    const pieces = new InkReader(), whole = new InkReader();
    const [split] = await recognize([crop(image)], pieces, dict, options);
    const [once] = await recognize([crop(image)], whole, dict, { ...options, maxWidth: 0 });
    expect(Math.max(...pieces.widths)).toBeLessThanOrEqual(960);
    expect(Math.max(...whole.widths)).toBe(image.width);
    expect(split!.words).toHaveLength(20);
    expect(split!.words.every((w) => w.text === 'aaaaa')).toBe(true);
    expect(split!.text).toBe(once!.text);
    split!.words.forEach((w, i) => {
      expect(w.u0).toBeCloseTo(once!.words[i]!.u0, 2);
      expect(w.u1).toBeCloseTo(once!.words[i]!.u1, 2);
    });
  });
});

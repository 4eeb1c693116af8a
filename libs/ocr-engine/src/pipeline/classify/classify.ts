import type { LineCrop } from '../crop/crop';
import { normalizeLine } from '../recognize/preprocess';
import type { ModelRunner } from '../session';

export interface ClassifyOptions {
  /** cls input width (PaddleOCR: 3 × 48 × 192). */
  readonly width: number;
  readonly batchSize: number;
  /** A crop is called upside down when the model says so with at least this probability (0.9). */
  readonly threshold: number;
}

export interface Orientation {
  /** True when the classifier calls the crop upside down with confidence ≥ threshold. */
  flipped: boolean;
  /** The classifier's probability for 180°. */
  p180: number;
}

/** The text-line orientation classifier (0° / 180°). */
export async function classify(crops: readonly LineCrop[], cls: ModelRunner, options: ClassifyOptions): Promise<Orientation[]> {
  const result: Orientation[] = new Array(crops.length);
  const order = crops.map((c, i) => ({ i, r: c.width / c.height })).sort((a, b) => a.r - b.r);
  for (let s = 0; s < order.length; s += options.batchSize) {
    const batch = order.slice(s, s + options.batchSize);
    const H = crops[0]!.height;
    const input = new Float32Array(batch.length * 3 * H * options.width);
    batch.forEach((b, k) => normalizeLine(crops[b.i]!, options.width, input, k * 3 * H * options.width));
    const out = await cls.run(input, [batch.length, 3, H, options.width]);
    batch.forEach((b, k) => {
      const p180 = out.data[k * 2 + 1]!;
      result[b.i] = { flipped: p180 > 0.5 && p180 >= options.threshold, p180 };
    });
  }
  return result;
}

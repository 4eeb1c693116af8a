import type { LineCrop } from '../crop/crop';
import type { ModelRunner } from '../session';
import { ctcDecode, type CtcChar, type CtcLine } from './ctc';
import { normalizeLine, recBatchWidth } from './preprocess';
import { pageSpaceGap, splitWords, type LineWord, type SpaceOptions } from './words';

export interface RecognizeStageOptions extends SpaceOptions {
  readonly batchSize: number;
  /** Smallest input width (PaddleOCR: 320). */
  readonly minWidth: number;
}

export interface RecognizedLine {
  /** Words joined by single spaces. */
  text: string;
  /** PaddleOCR's line score (mean probability of the kept characters). */
  score: number;
  chars: CtcChar[];
  /** Words with their extent as fractions (0–1) of the crop's width. */
  words: (Omit<LineWord, 'left' | 'right'> & { u0: number; u1: number })[];
}

/** Recognise crops with the CTC model, batched by aspect ratio so little width is padding. */
export async function recognize(
  crops: readonly LineCrop[],
  rec: ModelRunner,
  dict: readonly string[],
  options: RecognizeStageOptions,
  onBatch?: () => void,
): Promise<RecognizedLine[]> {
  const result: RecognizedLine[] = new Array(crops.length);
  const decoded: { line: CtcLine; steps: number }[] = new Array(crops.length);
  const order = crops.map((c, i) => ({ i, r: c.width / c.height })).sort((a, b) => a.r - b.r);
  for (let s = 0; s < order.length; s += options.batchSize) {
    onBatch?.();
    const batch = order.slice(s, s + options.batchSize).map((b) => b.i);
    const H = crops[batch[0]!]!.height;
    const W = recBatchWidth(batch.map((i) => crops[i]!), H, options.minWidth);
    const input = new Float32Array(batch.length * 3 * H * W);
    const used = batch.map((i, k) => normalizeLine(crops[i]!, W, input, k * 3 * H * W));
    const out = await rec.run(input, [batch.length, 3, H, W]);
    const T = out.dims[1]!, C = out.dims[2]!;
    if (C !== dict.length) throw new Error(`recognizer has ${C} classes but the dictionary ${dict.length}`);
    const stepPx = W / T;
    batch.forEach((i, k) => {
      decoded[i] = { line: ctcDecode(out.data, k * T * C, T, C, dict), steps: used[k]! / stepPx };
    });
  }
  // Word spaces: the threshold follows how wide the model's own spaces are on this page.
  const spaceGap = pageSpaceGap(decoded.map((d) => d.line.chars), options);
  decoded.forEach(({ line, steps }, i) => {
    const words = splitWords(line.chars, steps, { ...options, spaceGap }).map((w) => ({
      text: w.text,
      confidence: w.confidence,
      u0: Math.min(1, w.left / steps),
      u1: Math.min(1, w.right / steps),
    }));
    result[i] = { text: words.map((w) => w.text).join(' '), score: line.score, chars: line.chars, words };
  });
  return result;
}

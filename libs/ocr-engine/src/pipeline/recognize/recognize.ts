import type { LineCrop } from '../crop/crop';
import type { ModelRunner } from '../session';
import { ctcDecode, type CtcChar, type CtcLine } from './ctc';
import { normalizeLine, recBatchWidth } from './preprocess';
import { cutPoints, sliceColumns, type LineImage } from './split';
import { pageSpaceGap, splitWords, type LineWord, type SpaceOptions } from './words';

export interface RecognizeStageOptions extends SpaceOptions {
  readonly batchSize: number;
  /** Smallest input width (PaddleOCR: 320). */
  readonly minWidth: number;
  /** Crops wider than this many columns are read in pieces cut between words (`cutPoints`); 0: never. */
  readonly maxWidth?: number;
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
  // Long lines are read in pieces; each piece remembers its line, where it starts (columns) and
  // whether it was cut from the previous one in a word gap (a blank run of `wordGap` columns or more).
  const wordGap = WORD_GAP * (crops[0]?.height ?? 48);
  const pieces: { image: LineImage; line: number; x0: number; spaced: boolean }[] = [];
  crops.forEach((crop, line) => {
    const { bounds, blanks } = cutPoints(crop, options.maxWidth ?? 0);
    if (bounds.length === 2) pieces.push({ image: crop, line, x0: 0, spaced: false });
    else for (let k = 1; k < bounds.length; k++) pieces.push({ image: sliceColumns(crop, bounds[k - 1]!, bounds[k]!), line, x0: bounds[k - 1]!, spaced: blanks[k - 1]! >= wordGap });
  });
  const decoded: Piece[] = new Array(pieces.length);
  const order = pieces.map((p, i) => ({ i, r: p.image.width / p.image.height })).sort((a, b) => a.r - b.r);
  for (let s = 0; s < order.length; s += options.batchSize) {
    onBatch?.();
    const batch = order.slice(s, s + options.batchSize).map((b) => b.i);
    const H = pieces[batch[0]!]!.image.height;
    const W = recBatchWidth(batch.map((i) => pieces[i]!.image), H, options.minWidth);
    const input = new Float32Array(batch.length * 3 * H * W);
    const used = batch.map((i, k) => normalizeLine(pieces[i]!.image, W, input, k * 3 * H * W));
    const out = await rec.run(input, [batch.length, 3, H, W]);
    const T = out.dims[1]!, C = out.dims[2]!;
    if (C !== dict.length) throw new Error(`recognizer has ${C} classes but the dictionary ${dict.length}`);
    const stepPx = W / T;
    batch.forEach((i, k) => {
      decoded[i] = { line: ctcDecode(out.data, k * T * C, T, C, dict), stepPx, x0: pieces[i]!.x0, usedPx: used[k]!, spaced: pieces[i]!.spaced };
    });
  }
  const lines = crops.map(() => [] as typeof decoded);
  pieces.forEach((p, i) => lines[p.line]!.push(decoded[i]!));
  const joined = lines.map(joinPieces);
  // Word spaces: the threshold follows how wide the model's own spaces are on this page.
  const spaceGap = pageSpaceGap(joined.map((d) => d.line.chars), options);
  joined.forEach(({ line, steps }, i) => {
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

/** A blank run at least this many line heights wide, cut through, is a word space (letters stand closer). */
const WORD_GAP = 0.2;

interface Piece {
  line: CtcLine;
  stepPx: number;
  x0: number;
  usedPx: number;
  /** Cut from the previous piece in a word gap. */
  spaced: boolean;
}

/**
 * One line from its pieces, in time steps of its first piece: each character's steps are moved by
 * the piece's offset, so the gaps at the cuts are the line's own; a piece cut off in a word gap
 * starts with the space class certain, since the model, which sees only half the gap on each side,
 * often places the characters next to a cut closer to it than they stand.
 */
function joinPieces(parts: readonly Piece[]): { line: CtcLine; steps: number } {
  const first = parts[0]!;
  if (parts.length === 1) return { line: first.line, steps: first.usedPx / first.stepPx };
  const unit = first.stepPx;
  const chars: CtcChar[] = [];
  for (const p of parts) {
    const at = (t: number) => (t * p.stepPx + p.x0) / unit;
    p.line.chars.forEach((c, k) => chars.push({ ...c, start: at(c.start), end: at(c.end + 1) - 1, spaceBefore: k === 0 && p.spaced ? 1 : c.spaceBefore }));
  }
  const last = parts[parts.length - 1]!;
  const score = chars.length === 0 ? 0 : chars.reduce((sum, c) => sum + c.prob, 0) / chars.length;
  return { line: { chars, score }, steps: (last.x0 + last.usedPx) / unit };
}

/** One character the CTC decoder kept, with the time steps of its run. */
export interface CtcChar {
  char: string;
  prob: number;
  /** First and last time step of the run (inclusive). */
  start: number;
  end: number;
  /** Highest probability of the space class on the steps between the previous character and this one. */
  spaceBefore: number;
}

export interface CtcLine {
  chars: CtcChar[];
  /** PaddleOCR's line score: the mean probability of the kept characters (0 when none). */
  score: number;
}

/**
 * Greedy CTC decode as PaddleOCR's CTCLabelDecode: argmax per step, merge repeats, drop the blank
 * (class 0). `dict` is ['blank', …dictionary, ' '] (the trailing space class).
 */
export function ctcDecode(probs: Float32Array, offset: number, steps: number, classes: number, dict: readonly string[]): CtcLine {
  const chars: CtcChar[] = [];
  let prev = -1;
  let sum = 0;
  let space = 0;
  const spaceClass = classes - 1;
  for (let t = 0; t < steps; t++) {
    const base = offset + t * classes;
    let best = 0;
    let bestP = probs[base]!;
    for (let c = 1; c < classes; c++) {
      const p = probs[base + c]!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best === prev && best !== 0) {
      chars[chars.length - 1]!.end = t;
    } else if (best !== 0) {
      chars.push({ char: dict[best] ?? '', prob: bestP, start: t, end: t, spaceBefore: space });
      sum += bestP;
      space = 0;
    } else {
      space = Math.max(space, probs[base + spaceClass]!);
    }
    prev = best;
  }
  return { chars, score: chars.length === 0 ? 0 : sum / chars.length };
}

/** Build the decoder's class list from the dictionary file's text. */
export function ctcClasses(dictionaryText: string): string[] {
  const lines = dictionaryText.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return ['blank', ...lines.map((l) => l.replace(/\r$/, '')), ' '];
}

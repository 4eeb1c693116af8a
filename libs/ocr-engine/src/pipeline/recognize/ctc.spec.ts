import { ctcClasses, ctcDecode } from './ctc';

const dict = ctcClasses('a\nb\nc\n');

/** One-hot-ish probabilities: each step's winning class gets `p`, the rest share what is left. */
function probs(steps: (number | [number, number])[]): Float32Array {
  const C = dict.length;
  const out = new Float32Array(steps.length * C);
  steps.forEach((s, t) => {
    const [cls, p] = Array.isArray(s) ? s : [s, 0.9];
    for (let c = 0; c < C; c++) out[t * C + c] = (1 - p) / (C - 1);
    out[t * C + cls] = p;
  });
  return out;
}

describe(ctcClasses.name, () => {
  it('puts the blank first and the space class last', () => {
    expect(dict).toEqual(['blank', 'a', 'b', 'c', ' ']);
  });
});

describe(ctcDecode.name, () => {
  it('merges repeats, drops blanks and keeps a letter repeated across a blank', () => {
    // a a _ b _ b c c _  → "abbc"
    const line = ctcDecode(probs([1, 1, 0, 2, 0, 2, 3, 3, 0]), 0, 9, dict.length, dict);
    expect(line.chars.map((c) => c.char).join('')).toBe('abbc');
    expect(line.chars.map((c) => [c.start, c.end])).toEqual([[0, 1], [3, 3], [5, 5], [6, 7]]);
  });

  it('decodes the trailing space class as a space', () => {
    const line = ctcDecode(probs([1, 4, 2]), 0, 3, dict.length, dict);
    expect(line.chars.map((c) => c.char).join('')).toBe('a b');
  });

  it('scores a line as the mean probability of the first step of each kept character', () => {
    const line = ctcDecode(probs([[1, 0.9], [1, 0.5], 0, [2, 0.6]]), 0, 4, dict.length, dict);
    expect(line.score).toBeCloseTo((0.9 + 0.6) / 2, 5);
  });

  it('scores an empty line 0', () => {
    expect(ctcDecode(probs([0, 0, 0]), 0, 3, dict.length, dict)).toEqual({ chars: [], score: 0 });
  });

  it('records the space class probability between two characters', () => {
    const p = probs([1, 0, 2]);
    p[1 * dict.length + 4] = 0.3;
    const line = ctcDecode(p, 0, 3, dict.length, dict);
    expect(line.chars[1]!.spaceBefore).toBeCloseTo(0.3, 5);
  });
});

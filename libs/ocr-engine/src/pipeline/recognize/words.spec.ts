import type { CtcChar } from './ctc';
import { DEFAULT_PIPELINE } from '../../options';
import { modelSpaceExcess, pageSpaceGap, splitWords } from './words';

const options = { spaceGap: 0.7, spaceProbWeight: 2, minGlyphSteps: 2 };

/** Characters at the given time steps (one step each). */
const at = (text: string, steps: number[], spaceBefore: number[] = []): CtcChar[] =>
  [...text].map((char, i) => ({ char, prob: 0.9, start: steps[i]!, end: steps[i]!, spaceBefore: spaceBefore[i] ?? 0 }));

describe(splitWords.name, () => {
  it('puts back a space where the gap is much wider than the line pitch', () => {
    const chars = at('thequickfox', [0, 3, 6, 12, 15, 18, 21, 24, 30, 33, 36]);
    expect(splitWords(chars, 40, options).map((w) => w.text)).toEqual(['the', 'quick', 'fox']);
  });

  it('does not split next to a wide glyph whose neighbours are farther only by its width', () => {
    // "jumped": m and p sit 5 steps apart, other letters 3.
    const chars = at('jumped', [0, 3, 6, 11, 14, 17]);
    expect(splitWords(chars, 20, options).map((w) => w.text)).toEqual(['jumped']);
  });

  it("keeps the model's own spaces", () => {
    const chars = at('ab cd', [0, 3, 5, 7, 10]);
    expect(splitWords(chars, 12, options).map((w) => w.text)).toEqual(['ab', 'cd']);
  });

  it('splits where the space class almost won between two characters', () => {
    const chars = at('TOTAL12', [0, 3, 6, 9, 12, 16, 19], [0, 0, 0, 0, 0, 0.4, 0]);
    expect(splitWords(chars, 22, options).map((w) => w.text)).toEqual(['TOTAL', '12']);
  });

  it('never puts spaces between Chinese characters', () => {
    const chars = at('中文字', [0, 3, 12]);
    expect(splitWords(chars, 15, options).map((w) => w.text)).toEqual(['中文字']);
  });

  it('gives each word its extent in time steps, the first from the start and the last to the end', () => {
    const words = splitWords(at('thequickfox', [0, 3, 6, 12, 15, 18, 21, 24, 30, 33, 36]), 40, options);
    expect(words[0]!.left).toBe(0);
    expect(words[2]!.right).toBe(40);
    expect(words[1]!.left).toBeCloseTo(12.5 - 1.5, 5);
    expect(words[1]!.right).toBeCloseTo(24.5 + 1.5, 5);
    expect(words[0]!.right).toBeLessThanOrEqual(words[1]!.left);
    expect(words[1]!.confidence).toBeCloseTo(0.9, 5);
  });

  it('returns no words for no characters', () => {
    expect(splitWords([], 10, options)).toEqual([]);
  });
});

describe(`${splitWords.name} with the engine's defaults`, () => {
  const defaults = DEFAULT_PIPELINE.rec;

  it('puts back a dropped space where the space class shows between two letters, at an even pitch', () => {
    // "TAX INVOICE" read as TAXINVOICE: no wider gap, but the space class reached 0.03 before the I.
    const chars = at('TAXINVOICE', [2, 4, 8, 11, 13, 16, 19, 22, 24, 27], [0, 0, 0, 0.03, 0, 0, 0, 0, 0, 0]);
    expect(splitWords(chars, 30, defaults).map((w) => w.text)).toEqual(['TAX', 'INVOICE']);
  });

  it('does not split a word on an uneven letter gap when the space class shows nothing', () => {
    // "signalling" from a small table cell: the l-l gap is two and a half narrow-glyph pitches.
    const chars = at('signalling', [12, 14, 16, 18, 20, 21, 24, 25, 26, 28]);
    expect(splitWords(chars, 30, defaults).map((w) => w.text)).toEqual(['signalling']);
  });

  it('still splits on a gap far wider than the pitch without any space-class evidence', () => {
    const chars = at('thequickfox', [0, 3, 6, 14, 17, 20, 23, 26, 34, 37, 40]);
    expect(splitWords(chars, 44, defaults).map((w) => w.text)).toEqual(['the', 'quick', 'fox']);
  });
});

describe(pageSpaceGap.name, () => {
  const adaptive = { ...options, spaceGap: 0.6, spaceGapFromPage: 0.9, spaceGapRange: [0.4, 1.0] as const };
  /** Lines of 'ab cd' whose model space spans `spaceSteps` between b and c (letters 3 steps apart). */
  const linesWithSpace = (spaceSteps: number, n = 10) =>
    Array.from({ length: n }, () => at('ab cd', [0, 3, 3 + spaceSteps / 2, 3 + spaceSteps, 6 + spaceSteps]));

  it('raises the threshold on a page whose own spaces are wide, and lowers it where they are narrow', () => {
    const wide = pageSpaceGap(linesWithSpace(6.6), adaptive);
    const narrow = pageSpaceGap(linesWithSpace(4.5), adaptive);
    expect(modelSpaceExcess(linesWithSpace(6.6), adaptive)).toBeGreaterThan(1.2);
    expect(wide).toBe(1.0); // 0.9 × the excess, capped
    expect(narrow).toBeGreaterThan(0.4);
    expect(narrow).toBeLessThan(0.6);
  });

  it('keeps the fixed threshold with too few model spaces or when not asked to adapt', () => {
    expect(pageSpaceGap(linesWithSpace(6.6, 3), adaptive)).toBe(0.6);
    expect(pageSpaceGap(linesWithSpace(6.6), { ...options, spaceGap: 0.6 })).toBe(0.6);
  });

  it('on a page with wide spaces, an uneven letter gap no longer splits a word', () => {
    const word = at('heard', [0, 3, 6, 11, 14]); // a gap of 5 steps inside the word
    expect(splitWords(word, 18, { ...options, spaceGap: 0.6 }).map((w) => w.text)).toEqual(['hea', 'rd']);
    const gap = pageSpaceGap(linesWithSpace(6.6), adaptive);
    expect(splitWords(word, 18, { ...options, spaceGap: gap }).map((w) => w.text)).toEqual(['heard']);
  });
});

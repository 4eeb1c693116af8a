import type { CtcChar } from './ctc';

export interface SpaceOptions {
  /**
   * A space is put back where the gap between two characters exceeds what their glyph widths
   * predict by this many pitches (the gap counts `spaceProbWeight` × the space class's
   * probability between them on top).
   */
  readonly spaceGap: number;
  readonly spaceProbWeight: number;
  /** Smallest glyph width assumed, in time steps (a step is 8 px of a 48 px high line). */
  readonly minGlyphSteps: number;
  /**
   * When set, `spaceGap` is only the fallback: a page with enough spaces the model emitted itself
   * uses this share of their median width (`modelSpaceExcess`) instead, bounded by `spaceGapRange`.
   */
  readonly spaceGapFromPage?: number;
  readonly spaceGapRange?: readonly [number, number];
}

export interface LineWord {
  text: string;
  /** Mean probability of its characters. */
  confidence: number;
  /** Horizontal extent in time steps (fractional), left and right. */
  left: number;
  right: number;
}

/** Scripts written without spaces between words: no space is ever inserted next to these. */
const UNSPACED = /[\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF00-\uFFEF\u3040-\u30FF]/u;

/**
 * Relative advance widths of Latin glyphs (Helvetica's metrics, 1/1000 em): a wide glyph (m, W)
 * sits farther from its neighbours than a narrow one (i, l) without any space between them.
 */
const ADVANCE: Record<string, number> = {};
const setWidths = (chars: string, width: number) => {
  for (const c of chars) ADVANCE[c] = width;
};
setWidths('abdeghnopqu0123456789?#$_', 556);
setWidths('ckvxyzJ', 500);
setWidths('fijlt.,:;!/\\|I', 250);
setWidths('r-()[]{}`\'"', 333);
setWidths('mM%', 850);
setWidths('wCDHNRUAw&', 722);
setWidths('BEKPSVXY', 667);
setWidths('FTZL', 600);
setWidths('GOQ', 778);
setWidths('W@', 944);
setWidths('*^~', 400);
setWidths('+=<>', 584);
export const glyphWidth = (c: string): number => ADVANCE[c] ?? 556;

const centre = (c: CtcChar) => (c.start + c.end + 1) / 2;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A line's pitch (median distance between neighbouring characters) and the distance two glyphs are expected at. */
function linePitch(chars: readonly CtcChar[], options: SpaceOptions) {
  // Gaps between consecutive characters not separated by a model space, in steps per unit of glyph width.
  const gaps: number[] = [];
  const widths: number[] = [];
  for (let i = 1; i < chars.length; i++) {
    const a = chars[i - 1]!, b = chars[i]!;
    if (a.char !== ' ' && b.char !== ' ') {
      gaps.push(centre(b) - centre(a));
      widths.push((glyphWidth(a.char) + glyphWidth(b.char)) / 2);
    }
  }
  const pitch = Math.max(gaps.length > 0 ? median(gaps) : options.minGlyphSteps, options.minGlyphSteps);
  const unit = widths.length > 0 ? median(widths) : 556;
  const expected = (a: CtcChar, b: CtcChar) => (pitch * (glyphWidth(a.char) + glyphWidth(b.char))) / (2 * unit);
  return { pitch, expected };
}

/**
 * How wide the word spaces the model emitted itself are on a page, in excess pitches (as
 * `splitWords` measures gaps): the median over every model space between two Latin characters.
 * Undefined with fewer than `minSpaces` of them.
 */
export function modelSpaceExcess(lines: readonly (readonly CtcChar[])[], options: SpaceOptions, minSpaces = 8): number | undefined {
  const excess: number[] = [];
  for (const chars of lines) {
    const { pitch, expected } = linePitch(chars, options);
    for (let i = 1; i + 1 < chars.length; i++) {
      const a = chars[i - 1]!, s = chars[i]!, b = chars[i + 1]!;
      if (s.char !== ' ' || a.char === ' ' || b.char === ' ' || UNSPACED.test(a.char) || UNSPACED.test(b.char)) continue;
      excess.push((centre(b) - centre(a) - expected(a, b)) / pitch);
    }
  }
  return excess.length >= minSpaces ? median(excess) : undefined;
}

/**
 * The space threshold for a page: narrow word spaces (thermal receipts) call for a low one, wide
 * spaces and uneven letter spacing (justified print, bitonal scans) for a high one. The model's own
 * spaces on the page measure which it is; without enough of them, `spaceGap`.
 */
export function pageSpaceGap(lines: readonly (readonly CtcChar[])[], options: SpaceOptions): number {
  if (!options.spaceGapFromPage) return options.spaceGap;
  const excess = modelSpaceExcess(lines, options);
  if (excess === undefined) return options.spaceGap;
  const [lo, hi] = options.spaceGapRange ?? [options.spaceGap, options.spaceGap];
  return Math.min(hi, Math.max(lo, options.spaceGapFromPage * excess));
}

/**
 * Split a decoded line into words. The Chinese+English model often drops the space between
 * English words, so spaces are recovered from the time steps: the distance between two
 * characters' centres is compared with what their glyph widths predict at the line's pitch
 * (its median gap, normalised by the median glyph width); an excess of more than `spaceGap`
 * pitches is a space, where the space class's own (losing) probability between them adds
 * `spaceProbWeight` × p to the excess. Spaces the model emitted itself are kept; none are added next to CJK.
 *
 * CTC places each character on one or two 8-px steps, so the gaps jitter by a step either way: at a
 * pitch of 2–4 steps the gaps alone cannot tell a narrow word space from uneven letter spacing. The
 * space class's probability can (it is near zero inside words), hence a high `spaceProbWeight` and a
 * `spaceGap` that only puts a space back on the gap alone where it is clearly wider than the pitch.
 */
export function splitWords(chars: readonly CtcChar[], steps: number, options: SpaceOptions): LineWord[] {
  const { pitch, expected } = linePitch(chars, options);

  const words: CtcChar[][] = [];
  let current: CtcChar[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c.char === ' ' || c.char.trim() === '') {
      if (current.length) words.push(current);
      current = [];
      continue;
    }
    const prev = current[current.length - 1];
    if (prev && !UNSPACED.test(prev.char) && !UNSPACED.test(c.char)) {
      const excess = (centre(c) - centre(prev) - expected(prev, c)) / pitch;
      if (excess + options.spaceProbWeight * c.spaceBefore > options.spaceGap) {
        words.push(current);
        current = [];
      }
    }
    current.push(c);
  }
  if (current.length) words.push(current);

  const half = pitch / 2;
  return words.map((w, k) => {
    const first = w[0]!, last = w[w.length - 1]!;
    const left = k === 0 ? 0 : Math.max(0, centre(first) - half);
    const right = k === words.length - 1 ? steps : Math.min(steps, centre(last) + half);
    return {
      text: w.map((c) => c.char).join(''),
      confidence: w.reduce((s, c) => s + c.prob, 0) / w.length,
      left,
      right,
    };
  });
}

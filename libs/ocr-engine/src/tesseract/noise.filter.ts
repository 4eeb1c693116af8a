import type { Line } from '@ocr/documents';

/** When a line Tesseract returns is noise (strokes, stains, ruling, handwriting it cannot read) rather than text. */
export interface NoiseOptions {
  /** Lines whose confidence (character-weighted, 0–1) is below this are dropped. */
  readonly minLineConfidence: number;
  /** Lines in which letters and digits make up less than this share of the visible characters are dropped… */
  readonly minAlnumShare: number;
  /** …unless Tesseract is at least this sure of them (a printed rule of dashes, a row of dots). */
  readonly keepSymbolsAbove: number;
}

/**
 * Measured on handwritten French pages read with `fra` (dev set): Tesseract turns strokes and
 * background into lines of 1–3-letter fragments and symbols at confidence 0–0.35, so its output ran
 * to 1.5–2.6 times the page's real text; printed lines in every script of the dev set (Arabic,
 * Cyrillic, Devanagari, Latin) stayed at 0.38 and above.
 */
export const NOISE_DEFAULTS: NoiseOptions = { minLineConfidence: 0.3, minAlnumShare: 0.5, keepSymbolsAbove: 0.9 };

/** Whether a recognised line is noise rather than text (see `NoiseOptions`). */
export function isNoiseLine(line: Pick<Line, 'text' | 'confidence'>, options: NoiseOptions = NOISE_DEFAULTS): boolean {
  if (line.confidence < options.minLineConfidence) return true;
  let visible = 0, alnum = 0;
  for (const ch of line.text) {
    if (/\s/u.test(ch)) continue;
    visible++;
    if (/[\p{L}\p{M}\p{N}]/u.test(ch)) alnum++;
  }
  if (visible === 0) return true;
  return alnum / visible < options.minAlnumShare && line.confidence < options.keepSymbolsAbove;
}

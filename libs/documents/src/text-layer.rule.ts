import type { PdfPageAnalysis } from './pdf-page.analyze';
import { SCAN_COVERAGE } from './page.resolution';
import type { TextLayerPage } from './text-layer.extract';

export interface TextLayerRule {
  /** Fewest non-whitespace characters for a page's text layer to be used. */
  minChars: number;
  /** …on a page that is also covered by a scan image (a stamp or header over a scan is not the page's text). */
  minCharsOverScan: number;
  /** Share of characters that must be letters, digits, punctuation or symbols (fonts without a Unicode map give junk). */
  minPrintableRatio: number;
  /** Share of glyphs that must be drawn visibly: invisible text (render mode 3) is an earlier OCR's layer. */
  minVisibleShare: number;
}

export const DEFAULT_TEXT_LAYER_RULE: Readonly<TextLayerRule> = {
  minChars: 16,
  minCharsOverScan: 100,
  minPrintableRatio: 0.9,
  minVisibleShare: 0.5,
};

export type TextLayerVerdict = { use: true } | { use: false; reason: string };

/**
 * Whether a page's text layer is the page's real text, to be used instead of OCR:
 * - at least `minChars` (16) characters, or `minCharsOverScan` (100) when a scan image covers the page;
 * - at least `minPrintableRatio` (90%) of them printable (not U+FFFD, controls or private-use
 *   code points, which is what a font without a Unicode map yields);
 * - at least `minVisibleShare` (50%) of the glyphs drawn visibly. An invisible layer (render mode 3)
 *   is a previous OCR of a scan, of unknown quality: such pages are OCR'd again.
 */
export function judgeTextLayer(
  layer: TextLayerPage,
  analysis: Pick<PdfPageAnalysis, 'images' | 'visibleGlyphs' | 'invisibleGlyphs'>,
  rule: TextLayerRule = DEFAULT_TEXT_LAYER_RULE,
): TextLayerVerdict {
  const scanned = analysis.images.some((image) => image.coverage >= SCAN_COVERAGE);
  const minChars = scanned ? rule.minCharsOverScan : rule.minChars;
  if (layer.chars < minChars) return { use: false, reason: `${layer.chars} characters (fewer than ${minChars})` };
  if (layer.printableRatio < rule.minPrintableRatio) {
    return { use: false, reason: `${Math.round(layer.printableRatio * 100)}% printable characters` };
  }
  const glyphs = analysis.visibleGlyphs + analysis.invisibleGlyphs;
  if (glyphs > 0 && analysis.visibleGlyphs / glyphs < rule.minVisibleShare) {
    return { use: false, reason: 'the text is drawn invisibly (an OCR layer)' };
  }
  return { use: true };
}

import type { PlacedImage } from './pdf-page.analyze';

export interface ResolutionOptions {
  /** Target resolution for a PDF page: 300 dpi suits OCR of letter/A4 text. */
  dpi: number;
  /** Longest side of the raster, in pixels. */
  maxLongSide: number;
  /** Pixel count of the raster. */
  maxPixels: number;
  /** A scanned page is never rendered at more than this times the scan's own resolution… */
  maxUpscaleOfNative: number;
  /**
   * …nor below this, whatever the image's own resolution: a low-resolution background picture on
   * a born-digital page (or a 72 ppi scan) would otherwise make the text too small to read.
   */
  minScanDpi: number;
}

export const DEFAULT_RESOLUTION: Readonly<ResolutionOptions> = {
  dpi: 300,
  maxLongSide: 4000,
  maxPixels: 16_000_000,
  maxUpscaleOfNative: 1.5,
  minScanDpi: 150,
};

/** An image covering at least this share of the page makes it a scanned page. */
export const SCAN_COVERAGE = 0.5;

/** The resolution of the scan a page is made of: the sharpest image covering most of the page, or null. */
export function scanResolution(images: readonly PlacedImage[]): number | null {
  const scans = images.filter((image) => image.coverage >= SCAN_COVERAGE);
  if (scans.length === 0) return null;
  return Math.max(...scans.map((image) => image.ppi));
}

/**
 * The resolution a PDF page is rendered at:
 * 1. start from the target (`dpi`, 300);
 * 2. a scanned page (an image covering ≥ 50% of it) is not rendered beyond `maxUpscaleOfNative`
 *    (1.5×) the scan's own resolution, but never below `minScanDpi` (150): a 96 ppi receipt renders
 *    at 150 dpi, a 200 ppi scan at 300, a page over a 24 ppi background picture at 150 (not 36);
 * 3. then the raster is capped: its long side at `maxLongSide` (4000 px) and its area at `maxPixels`
 *    (16 MP), so a poster-sized page comes out at a lower resolution instead of exhausting memory.
 * Letter (612×792 pt) at 300 dpi is 2550×3300 px; A4 is 2480×3508 px; both under the caps.
 */
export function chooseDpi(
  page: { widthPt: number; heightPt: number },
  scanPpi: number | null,
  options: ResolutionOptions = DEFAULT_RESOLUTION,
): number {
  let dpi = options.dpi;
  if (scanPpi !== null && scanPpi > 0) dpi = Math.min(dpi, Math.max(options.minScanDpi, scanPpi * options.maxUpscaleOfNative));
  const longPt = Math.max(page.widthPt, page.heightPt);
  if (longPt > 0) dpi = Math.min(dpi, (options.maxLongSide * 72) / longPt);
  const areaPt = page.widthPt * page.heightPt;
  if (areaPt > 0) dpi = Math.min(dpi, 72 * Math.sqrt(options.maxPixels / areaPt));
  return dpi;
}

/** The raster size of a page of `widthPt`×`heightPt` points at `dpi`. */
export function rasterSize(widthPt: number, heightPt: number, dpi: number): { width: number; height: number } {
  return {
    width: Math.max(1, Math.round((widthPt * dpi) / 72)),
    height: Math.max(1, Math.round((heightPt * dpi) / 72)),
  };
}

import sharp from 'sharp';
import type { RasterImage } from '../engine';
import { TesseractError } from './tesseract.errors';

/** Tesseract's own limit is 2^15 − 1 pixels a side (Leptonica); larger pages get a clear error. */
export const MAX_SIDE = 32_767;

/**
 * Raw page pixels → PNG (fast compression: it only crosses a pipe). With `maxPixels`, a larger page
 * is scaled down to that many pixels first (keeping its proportions).
 */
export async function encodePng(image: RasterImage, options: { maxPixels?: number } = {}): Promise<Buffer> {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new TesseractError('bad_image', `image size must be at least 1×1 pixels (got ${width}×${height})`);
  }
  if (width > MAX_SIDE || height > MAX_SIDE) {
    throw new TesseractError('bad_image', `image is ${width}×${height} pixels; Tesseract reads at most ${MAX_SIDE} a side`);
  }
  if (data.length !== width * height * channels) {
    throw new TesseractError('bad_image', `pixel buffer holds ${data.length} bytes, expected ${width}×${height}×${channels}`);
  }
  try {
    const scale = options.maxPixels && width * height > options.maxPixels ? Math.sqrt(options.maxPixels / (width * height)) : 1;
    const encoder = sharp(data, { raw: { width, height, channels }, limitInputPixels: false });
    if (scale < 1) encoder.resize(Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)), { fit: 'fill' });
    return await encoder.png({ compressionLevel: 1, adaptiveFiltering: false }).toBuffer();
  } catch (error) {
    throw new TesseractError('bad_image', `could not encode the page as PNG: ${(error as Error).message}`, { cause: error });
  }
}

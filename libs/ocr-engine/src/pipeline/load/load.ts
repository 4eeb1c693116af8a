import sharp from 'sharp';
import type { RasterImage } from '../../engine';
import { OcrEngineError } from '../../errors';

export interface LoadOptions {
  /** Pages with more pixels than this are refused (`image_too_large`). */
  readonly maxPixels: number;
}

/** A validated page: the caller's pixels, never copied at full size. */
export interface PageRaster {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3 | 4;
}

/** Check a raster's shape and size; returns it as a page the later stages can trust. */
export function loadRaster(image: RasterImage, options: LoadOptions): PageRaster {
  const { width, height, channels, data } = image ?? ({} as RasterImage);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new OcrEngineError('bad_image', `image size must be positive integers, got ${width}x${height}`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new OcrEngineError('bad_image', `image must have 1, 3 or 4 channels, got ${channels}`);
  }
  if (width * height > options.maxPixels) {
    throw new OcrEngineError(
      'image_too_large',
      `image has ${width}x${height} = ${width * height} pixels, more than the limit of ${options.maxPixels}`,
    );
  }
  if (!Buffer.isBuffer(data) || data.length !== width * height * channels) {
    throw new OcrEngineError(
      'bad_image',
      `pixel buffer holds ${Buffer.isBuffer(data) ? data.length : 'no'} bytes, expected ${width}x${height}x${channels} = ${width * height * channels}`,
    );
  }
  return { data, width, height, channels };
}

/** Decode an encoded image file (PNG, JPEG, TIFF, WebP …) into a raster, EXIF orientation applied. */
export async function decodeImage(bytes: Buffer, maxPixels = 400_000_000): Promise<RasterImage> {
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' })
      .rotate()
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, channels: info.channels as 1 | 3 };
  } catch (err) {
    throw new OcrEngineError('bad_image', `cannot decode image: ${(err as Error).message}`, { cause: err });
  }
}

/** Red, green, blue of pixel (x, y), integer coordinates inside the page. */
export function pixelIndex(page: PageRaster, x: number, y: number): number {
  return (y * page.width + x) * page.channels;
}

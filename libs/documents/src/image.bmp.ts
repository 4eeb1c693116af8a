import { decode as decodeBmpPixels } from 'bmp-ts';
import { DocumentError } from './document.error';
import { rgbaToRgb } from './raster.pixels';

export interface BmpHeader {
  width: number;
  height: number;
  bitsPerPixel: number;
  /** 0 none, 1 RLE8, 2 RLE4, 3 bit fields, 6 alpha bit fields. */
  compression: number;
  pixelOffset: number;
}

/** Dimensions from a BMP's headers, without touching its pixels. */
export function readBmpHeader(bytes: Buffer): BmpHeader {
  if (bytes.length < 26) throw new DocumentError('truncated', 'The BMP file ends inside its header.');
  const dibSize = bytes.readUInt32LE(14);
  const pixelOffset = bytes.readUInt32LE(10);
  if (dibSize === 12) {
    return {
      width: bytes.readUInt16LE(18),
      height: bytes.readUInt16LE(20),
      bitsPerPixel: bytes.readUInt16LE(24),
      compression: 0,
      pixelOffset,
    };
  }
  if (bytes.length < 34) throw new DocumentError('truncated', 'The BMP file ends inside its header.');
  return {
    width: Math.abs(bytes.readInt32LE(18)),
    height: Math.abs(bytes.readInt32LE(22)),
    bitsPerPixel: bytes.readUInt16LE(28),
    compression: bytes.readUInt32LE(30),
    pixelOffset,
  };
}

/** Refuses an uncompressed BMP whose pixel rows do not all fit in the file (a cut file). */
export function assertBmpComplete(header: BmpHeader, bytes: Buffer): void {
  if (header.compression !== 0 && header.compression !== 3) return;
  const stride = Math.ceil((header.width * header.bitsPerPixel) / 32) * 4;
  if (bytes.length < header.pixelOffset + stride * header.height) {
    throw new DocumentError('truncated', 'The BMP file ends before its last row of pixels.');
  }
}

/**
 * Decodes a BMP (1/4/8/16/24/32 bits, RLE4/RLE8, bit fields; sharp's libvips has no BMP loader) to
 * raw RGB. Transparency is ignored: BMP alpha is rarely meaningful and documents are read on white.
 */
export function decodeBmp(bytes: Buffer): { data: Buffer; width: number; height: number } {
  assertBmpComplete(readBmpHeader(bytes), bytes);
  let decoded: { data: Buffer; width: number; height: number };
  try {
    decoded = decodeBmpPixels(bytes, { toRGBA: true });
  } catch (cause) {
    const truncated = cause instanceof RangeError;
    throw new DocumentError(
      truncated ? 'truncated' : 'corrupt',
      truncated ? 'The BMP file ends before its pixels do.' : `The BMP file cannot be decoded: ${(cause as Error).message}`,
      { cause },
    );
  }
  const { width, height } = decoded;
  return { data: rgbaToRgb(decoded.data, width * height), width, height };
}

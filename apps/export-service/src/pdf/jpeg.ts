/** What a PDF image XObject needs to know of a JPEG it embeds as is (DCTDecode). */
export interface JpegInfo {
  width: number;
  height: number;
  /** 1 (gray), 3 (YCbCr/RGB) or 4 (CMYK/YCCK). */
  components: 1 | 3 | 4;
  bitsPerComponent: number;
  /** Resolution in dots per inch, when the JFIF header or the EXIF data (as sharp writes it) states one. */
  dpi?: number;
  /** An Adobe APP14 marker was seen (its CMYK data is stored inverted). */
  adobe: boolean;
}

/** Why bytes could not be read as a JPEG. */
export class JpegError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JpegError';
  }
}

const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/**
 * Reads the header of a baseline or progressive JPEG (markers up to the first frame header):
 * size, components, bit depth, JFIF density. Decodes no pixels.
 * @throws JpegError when the bytes are not a JPEG or the header is cut short.
 */
export function readJpegInfo(bytes: Uint8Array): JpegInfo {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) throw new JpegError('not a JPEG (no SOI marker)');
  let offset = 2;
  let dpi: number | undefined;
  let exifDpi: number | undefined;
  let adobe = false;
  while (offset + 4 <= data.length) {
    if (data[offset] !== 0xff) throw new JpegError(`corrupt JPEG: expected a marker at byte ${offset}`);
    const marker = data[offset + 1]!;
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) break; // end of image / start of scan before a frame header
    const length = data.readUInt16BE(offset + 2);
    const segment = offset + 4;
    if (length < 2 || segment + length - 2 > data.length) throw new JpegError('corrupt JPEG: a segment runs past the end of the file');
    if (marker === 0xe0 && length >= 16 && data.toString('latin1', segment, segment + 5) === 'JFIF\0') {
      const units = data[segment + 7];
      const x = data.readUInt16BE(segment + 8);
      if (x > 0 && units === 1) dpi = x;
      else if (x > 0 && units === 2) dpi = x * 2.54;
    } else if (marker === 0xe1 && length >= 16 && data.toString('latin1', segment, segment + 6) === 'Exif\0\0') {
      exifDpi = exifResolution(data.subarray(segment + 6, segment + length - 2));
    } else if (marker === 0xee && length >= 14 && data.toString('latin1', segment, segment + 5) === 'Adobe') {
      adobe = true;
    } else if (SOF_MARKERS.has(marker)) {
      if (length < 8) throw new JpegError('corrupt JPEG: frame header too short');
      const bitsPerComponent = data[segment]!;
      const height = data.readUInt16BE(segment + 1);
      const width = data.readUInt16BE(segment + 3);
      const components = data[segment + 5]!;
      if (width === 0 || height === 0) throw new JpegError('JPEG without a stated size (DNL) is not supported');
      if (components !== 1 && components !== 3 && components !== 4) throw new JpegError(`JPEG with ${components} components is not supported`);
      if (marker === 0xc3 || marker === 0xc7 || marker === 0xcb || marker === 0xcf) throw new JpegError('lossless JPEG is not supported by PDF readers');
      const resolution = dpi ?? exifDpi;
      return { width, height, components, bitsPerComponent, ...(resolution ? { dpi: resolution } : {}), adobe };
    }
    offset = segment + length - 2;
  }
  throw new JpegError('corrupt JPEG: no frame header (SOF) found');
}

/** XResolution of IFD0 of an EXIF block (a TIFF header and directory), in dots per inch. */
function exifResolution(tiff: Buffer): number | undefined {
  if (tiff.length < 8) return undefined;
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return undefined;
  const le = order === 'II';
  const u16 = (o: number) => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return undefined;
  const count = u16(ifd);
  let resolution: number | undefined;
  let unit = 2; // inches, TIFF's default
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + 12 * i;
    if (entry + 12 > tiff.length) break;
    const tag = u16(entry);
    if (tag === 0x011a) {
      const at = u32(entry + 8);
      if (at + 8 <= tiff.length && u32(at + 4) > 0) resolution = u32(at) / u32(at + 4);
    } else if (tag === 0x0128) {
      unit = u16(entry + 8);
    }
  }
  if (!resolution || resolution <= 0) return undefined;
  if (unit === 3) return resolution * 2.54;
  return unit === 2 ? resolution : undefined;
}

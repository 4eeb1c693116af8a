/** The file types the platform reads, found from the bytes. */
export type DocumentType = 'png' | 'jpeg' | 'webp' | 'gif' | 'bmp' | 'tiff' | 'pdf';

export const DOCUMENT_MIME_TYPES: Readonly<Record<DocumentType, string>> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  bmp: 'image/bmp',
  tiff: 'image/tiff',
  pdf: 'application/pdf',
};

/** The MIME type of a sniffed document type. */
export function mimeTypeOf(type: DocumentType): string {
  return DOCUMENT_MIME_TYPES[type];
}

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** DIB header sizes that exist in the wild (CORE, OS/2 v2 short, INFO, V2, V3, OS/2 v2, V4, V5). */
const BMP_DIB_HEADER_SIZES = new Set([12, 16, 40, 52, 56, 64, 108, 124]);
/** Readers (Acrobat, pdf.js) accept a PDF whose header starts within the first KiB. */
const PDF_HEADER_WINDOW = 1024;

function startsWith(bytes: Buffer, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((byte, i) => bytes[offset + i] === byte);
}

function ascii(bytes: Buffer, start: number, end: number): string {
  return bytes.subarray(start, end).toString('latin1');
}

/**
 * The document type from the file's magic bytes, or null when it is none of the supported types
 * (text, ZIP/Office, HEIC, SVG and everything else). The file name plays no part.
 */
export function sniffType(bytes: Buffer): DocumentType | null {
  if (bytes.length < 4) return null;
  if (startsWith(bytes, PNG)) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  const six = ascii(bytes, 0, 6);
  if (six === 'GIF87a' || six === 'GIF89a') return 'gif';
  // Classic TIFF (42) and BigTIFF (43), in both byte orders.
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (startsWith(bytes, [0x49, 0x49, 0x2b, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2b])) return 'tiff';
  // "BM" alone is too weak (a text file may start with it): also require a known DIB header size.
  if (bytes.length >= 26 && bytes[0] === 0x42 && bytes[1] === 0x4d && BMP_DIB_HEADER_SIZES.has(bytes.readUInt32LE(14))) {
    return 'bmp';
  }
  const head = ascii(bytes, 0, Math.min(bytes.length, PDF_HEADER_WINDOW));
  if (/%PDF-\d\.\d/.test(head)) return 'pdf';
  return null;
}

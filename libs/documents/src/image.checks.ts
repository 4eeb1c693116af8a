import { DocumentError } from './document.error';
import type { DocumentType } from './document-type.sniff';

export function describePixels(pixels: number): string {
  if (pixels >= 1e9) return `${(pixels / 1e9).toFixed(1)} gigapixels`;
  return `${Math.round(pixels / 1e6)} megapixels`;
}

/** sharp's error for an image, as a DocumentError (cut files told apart from damaged ones). */
export function toImageError(error: unknown, type: DocumentType): DocumentError {
  if (error instanceof DocumentError) return error;
  const message = (error as { message?: string } | null)?.message ?? String(error);
  if (/pixel limit/i.test(message)) {
    return new DocumentError('too_many_pixels', `The ${type.toUpperCase()} image has more pixels than allowed.`, { cause: error });
  }
  if (/premature end|truncated|unexpected end|end of (file|stream|data|input)|not enough data|read error|out of data/i.test(message)) {
    return new DocumentError('truncated', `The ${type.toUpperCase()} file is incomplete (it ends early); upload the whole file again.`, {
      cause: error,
    });
  }
  return new DocumentError('corrupt', `The ${type.toUpperCase()} file is damaged and cannot be read: ${message}`, { cause: error });
}

/**
 * Cheap end-of-file checks that catch a cut upload without decoding: a PNG ends with an IEND chunk,
 * a JPEG's last scan is followed by an EOI marker (entropy-coded data never contains FF D9 or FF DA,
 * so the last FF DA is the last scan's start, after any thumbnail).
 */
export function assertImageComplete(bytes: Buffer, type: DocumentType): void {
  const truncated = () =>
    new DocumentError('truncated', `The ${type.toUpperCase()} file is incomplete (it ends early); upload the whole file again.`);
  if (type === 'png') {
    const tail = bytes.subarray(Math.max(0, bytes.length - 64 * 1024));
    if (!tail.includes('IEND', 0, 'latin1')) throw truncated();
  } else if (type === 'jpeg') {
    const lastScan = bytes.lastIndexOf(Buffer.from([0xff, 0xda]));
    if (lastScan < 0 || bytes.indexOf(Buffer.from([0xff, 0xd9]), lastScan) < 0) throw truncated();
  } else if (type === 'gif') {
    // The trailer byte 0x3B ends every complete GIF (a few tools pad it with zero bytes).
    let end = bytes.length - 1;
    while (end > 0 && bytes[end] === 0x00) end -= 1;
    if (bytes[end] !== 0x3b) throw truncated();
  }
}

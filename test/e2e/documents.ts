import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';

/**
 * Test documents made in the test (nothing committed): scanned pages with a few printed words
 * (quick to OCR), born-digital PDF pages with a real text layer, multi-page TIFFs, and TIFFs with
 * a corrupt page.
 */

/** Words that PP-OCRv4 reads reliably, one distinct set per page number. */
const WORDS = ['harbor', 'violet', 'mountain', 'garden', 'window', 'silver', 'rocket', 'planet', 'forest', 'candle', 'meadow', 'copper'];

export function pageWords(index: number): string[] {
  return [`Page ${index + 1}`, WORDS[index % WORDS.length]!, `number ${100 + index}`];
}

/** A scan of one page: black printed lines on white, `lines` copies of the page's words. */
export async function scannedPagePng(index: number, options: { width?: number; lines?: number } = {}): Promise<Buffer> {
  const width = options.width ?? 900;
  const lines = options.lines ?? 1;
  const lineHeight = 70;
  const height = 60 + lines * lineHeight;
  const text = pageWords(index).join(' ');
  const rows = Array.from(
    { length: lines },
    (_, i) => `<text x="40" y="${90 + i * lineHeight}" font-family="DejaVu Sans, sans-serif" font-size="44" fill="black">${text}</text>`,
  ).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="white"/>${rows}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

export type PdfPageKind = 'scan' | 'text';

/**
 * A PDF whose pages are scans (an image over the whole page, no text: the worker OCRs it) or
 * born-digital (Helvetica text: the worker keeps its text layer), as `kinds` says.
 */
export async function mixedPdf(kinds: PdfPageKind[], options: { lines?: number } = {}): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const [index, kind] of kinds.entries()) {
    if (kind === 'scan') {
      const png = await scannedPagePng(index, { lines: options.lines });
      const image = await doc.embedPng(png);
      // 144 ppi: the worker renders it at ≤ 1.5× that, i.e. about the scan's own pixels.
      const page = doc.addPage([(image.width * 72) / 144, (image.height * 72) / 144]);
      page.drawImage(image, { x: 0, y: 0, width: page.getWidth(), height: page.getHeight() });
    } else {
      const page = doc.addPage([612, 792]);
      for (let line = 0; line < 3; line += 1) {
        page.drawText(`${pageWords(index).join(' ')} is typed on this born digital page`, { x: 72, y: 700 - line * 24, size: 14, font });
      }
    }
  }
  return Buffer.from(await doc.save());
}

/** A scanned, image-only PDF of the given page images (PNG or JPEG), each over a whole page at `ppi`. */
export async function imagePdf(images: { bytes: Buffer; type: 'png' | 'jpeg' }[], ppi = 200): Promise<Buffer> {
  const doc = await PDFDocument.create();
  for (const { bytes, type } of images) {
    const image = type === 'png' ? await doc.embedPng(bytes) : await doc.embedJpg(bytes);
    const page = doc.addPage([(image.width * 72) / ppi, (image.height * 72) / ppi]);
    page.drawImage(image, { x: 0, y: 0, width: page.getWidth(), height: page.getHeight() });
  }
  return Buffer.from(await doc.save());
}

/**
 * A multi-page TIFF of scanned pages (one TIFF directory per page). `corrupt` pages have a damaged
 * directory (a colour space their samples do not fit): the file opens and counts its pages, but
 * those pages cannot be decoded.
 */
export async function multiPageTiff(count: number, options: { corrupt?: number[] } = {}): Promise<Buffer> {
  const pages = await Promise.all(
    Array.from({ length: count }, async (_, i) => sharp(await scannedPagePng(i)).tiff({ compression: 'deflate' }).toBuffer()),
  );
  return joinTiffs(pages, new Set(options.corrupt ?? []));
}

const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4 };
const PHOTOMETRIC = 262;
const STRIP_OFFSETS = 273;
const TILE_OFFSETS = 324;

/**
 * Joins single-page little-endian TIFFs into one multi-page TIFF: each file is appended whole, the
 * offsets in its first directory are moved by where it now starts, and the directories are chained.
 */
export function joinTiffs(files: Buffer[], corrupt: Set<number> = new Set()): Buffer {
  const parts: Buffer[] = [];
  const ifdAt: number[] = [];
  let base = 0;
  for (const [page, original] of files.entries()) {
    if (original.toString('latin1', 0, 2) !== 'II' || original.readUInt16LE(2) !== 42) throw new Error('joinTiffs takes little-endian classic TIFFs');
    const file = Buffer.from(original);
    const ifd = file.readUInt32LE(4);
    const entries = file.readUInt16LE(ifd);
    for (let e = 0; e < entries; e += 1) {
      const at = ifd + 2 + e * 12;
      const tag = file.readUInt16LE(at);
      const type = file.readUInt16LE(at + 2);
      const count = file.readUInt32LE(at + 4);
      const size = (TYPE_SIZES[type] ?? 1) * count;
      const valueAt = size > 4 ? file.readUInt32LE(at + 8) : at + 8;
      if (tag === PHOTOMETRIC && corrupt.has(page) && type === 3) file.writeUInt16LE(9, at + 8); // CIE L*a*b* (ICC): not RGBA
      if (tag === STRIP_OFFSETS || tag === TILE_OFFSETS) {
        const shift = base;
        for (let i = 0; i < count; i += 1) {
          if (type === 4) file.writeUInt32LE(file.readUInt32LE(valueAt + i * 4) + shift, valueAt + i * 4);
          else throw new Error(`joinTiffs: strip offsets of type ${type} are not handled`);
        }
      }
      if (size > 4) file.writeUInt32LE(valueAt + base, at + 8);
    }
    file.writeUInt32LE(0, ifd + 2 + entries * 12); // next directory: chained below
    ifdAt.push(base + ifd);
    parts.push(file);
    base += file.length + (file.length % 2); // directories start on a word boundary
    if (file.length % 2) parts.push(Buffer.alloc(1));
  }
  const out = Buffer.concat(parts);
  for (let i = 0; i + 1 < ifdAt.length; i += 1) {
    const entries = out.readUInt16LE(ifdAt[i]!);
    out.writeUInt32LE(ifdAt[i + 1]!, ifdAt[i]! + 2 + entries * 12);
  }
  return out;
}

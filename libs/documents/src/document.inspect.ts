import sharp from 'sharp';
import { DocumentError } from './document.error';
import { type DocumentType, mimeTypeOf, sniffType } from './document-type.sniff';
import { assertBmpComplete, readBmpHeader } from './image.bmp';
import { assertImageComplete, describePixels, toImageError } from './image.checks';
import { withPdf } from './pdf.loader';

/** Limits a file is checked against before it is accepted. */
export interface DocumentLimits {
  /** Most pages per file (the plan's cap). */
  maxPages: number;
  /** Most pixels per page of an image file, read from its header before anything is decoded. */
  maxPixels: number;
  /** Largest file in bytes. */
  maxBytes: number;
  /** Give up on a PDF that takes longer than this to open (default 20 s). */
  timeoutMs?: number;
}

/** A page's size: pixels for images, points (1/72 in) for PDF pages. */
export interface PageSize {
  width: number;
  height: number;
  unit: 'px' | 'pt';
}

export interface DocumentInfo {
  type: DocumentType;
  mime: string;
  page_count: number;
  /** Every page's size, when it was cheap to read (always for images, and for PDFs). */
  pages?: PageSize[];
  /** A PDF with an /Encrypt dictionary that opens without a password (permissions only). */
  encrypted?: boolean;
}

const MB = 1024 * 1024;

function describeBytes(n: number): string {
  return n >= MB ? `${(n / MB).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

function checkPages(count: number, limits: DocumentLimits): void {
  if (count > limits.maxPages) {
    throw new DocumentError(
      'too_many_pages',
      `The file has ${count} pages; the limit is ${limits.maxPages} pages per file.`,
    );
  }
}

function checkPixels(pages: readonly PageSize[], limits: DocumentLimits): void {
  pages.forEach((page, index) => {
    if (page.width * page.height > limits.maxPixels) {
      throw new DocumentError(
        'too_many_pixels',
        `Page ${index + 1} is ${page.width}×${page.height} pixels (${describePixels(page.width * page.height)}); ` +
          `the limit is ${describePixels(limits.maxPixels)} per page.`,
      );
    }
  });
}

async function inspectImage(bytes: Buffer, type: Exclude<DocumentType, 'pdf'>, limits: DocumentLimits): Promise<PageSize[]> {
  if (type === 'bmp') {
    const header = readBmpHeader(bytes);
    const pages = [{ width: header.width, height: header.height, unit: 'px' as const }];
    checkPixels(pages, limits);
    assertBmpComplete(header, bytes);
    return pages;
  }
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw toImageError(error, type);
  }
  const count = meta.pages ?? 1;
  checkPages(count, limits);
  let pages: PageSize[];
  if (count > 1 && type === 'tiff') {
    // TIFF pages each have their own size: read every page's header (no pixels are decoded).
    pages = [];
    for (let page = 0; page < count; page += 1) {
      const pageMeta = await sharp(bytes, { page, limitInputPixels: false })
        .metadata()
        .catch((error: unknown) => {
          throw toImageError(error, type);
        });
      pages.push({ width: pageMeta.autoOrient.width, height: pageMeta.autoOrient.height, unit: 'px' });
    }
  } else if (count > 1) {
    // Animated GIF/WEBP frames share the canvas size; sharp reports the first frame.
    const height = meta.pageHeight ?? meta.height;
    pages = Array.from({ length: count }, () => ({ width: meta.width, height, unit: 'px' as const }));
  } else {
    // As displayed: EXIF orientation applied.
    pages = [{ width: meta.autoOrient.width, height: meta.autoOrient.height, unit: 'px' }];
  }
  checkPixels(pages, limits);
  assertImageComplete(bytes, type);
  return pages;
}

/**
 * What a file is and how many pages it has, without rasterizing anything: the type from the bytes,
 * page counts from image headers (sharp) or the PDF's page tree (pdf.js), every page's size, and
 * the limits checked (bytes, pages, pixels per page). Bad input ends in a `DocumentError`.
 */
export async function inspectDocument(bytes: Buffer, limits: DocumentLimits): Promise<DocumentInfo> {
  if (bytes.length === 0) throw new DocumentError('empty', 'The file is empty.');
  if (bytes.length > limits.maxBytes) {
    throw new DocumentError(
      'too_large',
      `The file is ${describeBytes(bytes.length)}; the limit is ${describeBytes(limits.maxBytes)}.`,
    );
  }
  const type = sniffType(bytes);
  if (type === null) {
    throw new DocumentError(
      'unsupported_type',
      'The file is not a supported type (PNG, JPEG, WEBP, GIF, BMP, TIFF or PDF), judged from its contents.',
    );
  }
  if (type !== 'pdf') {
    const pages = await inspectImage(bytes, type, limits);
    return { type, mime: mimeTypeOf(type), page_count: pages.length, pages };
  }
  return withPdf(bytes, { timeoutMs: limits.timeoutMs ?? 20_000 }, async (doc) => {
    const count = doc.numPages;
    if (!(count > 0)) throw new DocumentError('corrupt', 'The PDF has no pages.');
    checkPages(count, limits);
    const { info } = await doc.getMetadata();
    const encrypted = Boolean((info as { EncryptFilterName?: string | null }).EncryptFilterName);
    const pages: PageSize[] = [];
    for (let i = 1; i <= count; i += 1) {
      // getPage reads the page dictionary only; content streams are not parsed here.
      const viewport = (await doc.getPage(i)).getViewport({ scale: 1 });
      pages.push({ width: round2(viewport.width), height: round2(viewport.height), unit: 'pt' });
    }
    return { type, mime: mimeTypeOf(type), page_count: count, pages, encrypted };
  });
}

const round2 = (n: number) => Math.round(n * 100) / 100;

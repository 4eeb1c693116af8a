import type { BBox, JobPage } from '@ocr/documents';
import { assertValidPrefix, InvalidObjectKeyError } from '@ocr/storage';
import { ExportError } from '../errors/export.error';
import type { RenderJob } from '../export/export.dto';
import type { PageImages } from '../pages/page-images.repository';
import { JpegError, readJpegInfo } from '../pdf/jpeg';
import { type PdfPage, type PdfWord, writeSearchablePdf } from '../pdf/pdf.writer';
import { pagesInOrder, type StreamedFile } from './rendered-file';

/** Resolution assumed when a page image states none: one image pixel per point. */
export const DEFAULT_DPI = 72;
/** A blank page (a failed page without an image) is US Letter when its size is unknown. */
const LETTER: readonly [number, number] = [612, 792];

/** Object key of a page's image under the job's prefix (`pages/<job>/<index>.jpg`). */
export function pageImageKey(prefix: string, index: number): string {
  return `${prefix.endsWith('/') ? prefix : `${prefix}/`}${index}.jpg`;
}

/**
 * The searchable PDF: every page is its page image (the worker's JPEG, embedded as is) with an
 * invisible text layer on the job's word boxes. Checks before the first byte that every page
 * that was read has its image (FAILED_PRECONDITION naming the pages otherwise); a failed page
 * without an image becomes a blank page, so page numbers stay those of the job. The file is
 * produced page by page as the stream is read.
 */
export async function renderPdf({ job, pageImagesPrefix }: RenderJob, images: PageImages): Promise<StreamedFile> {
  if (!pageImagesPrefix) {
    throw new ExportError('PAGE_IMAGES_REQUIRED', 'the pdf format needs page_images_prefix: the object-storage prefix of the job\'s page images (pages/<job>/)');
  }
  try {
    assertValidPrefix(pageImagesPrefix);
  } catch (error) {
    if (error instanceof InvalidObjectKeyError) throw new ExportError('PAGE_IMAGES_REQUIRED', `page_images_prefix is not a valid object key prefix: ${error.message}`);
    throw error;
  }
  const pages = pagesInOrder(job);
  if (pages.length === 0) throw new ExportError('PAGE_IMAGE_MISSING', `job ${job.uuid} has no pages to put in a PDF`);
  const stored = await images.keys(pageImagesPrefix);
  const missing = pages.filter((p) => !p.error && !stored.has(pageImageKey(pageImagesPrefix, p.index)));
  if (missing.length > 0) {
    const list = missing.slice(0, 10).map((p) => p.index + 1).join(', ');
    throw new ExportError(
      'PAGE_IMAGE_MISSING',
      `the image of page${missing.length === 1 ? '' : 's'} ${list}${missing.length > 10 ? ` (and ${missing.length - 10} more)` : ''} of job ${job.uuid} is not in storage under ${pageImagesPrefix}; the searchable PDF is drawn on the page images the workers keep until the results expire`,
    );
  }

  async function* pdfPages(): AsyncGenerator<PdfPage> {
    for (const page of pages) {
      const key = pageImageKey(pageImagesPrefix, page.index);
      const jpeg = stored.has(key) ? await images.read(key) : null;
      if (!jpeg) {
        if (!page.error) throw new ExportError('PAGE_IMAGE_MISSING', `the image of page ${page.index + 1} (${key}) disappeared from storage while the PDF was written`);
        yield blankPage(page);
        continue;
      }
      yield imagePage(page, jpeg, key);
    }
  }

  return {
    contentType: 'application/pdf',
    fileName: `${job.uuid}.pdf`,
    chunks: writeSearchablePdf(pages.length, pdfPages(), { title: job.uuid }),
  };
}

/** A page filled by its image; the words' pixel boxes mapped onto it in points. */
export function imagePage(page: JobPage, jpeg: Buffer, key = 'page image'): PdfPage {
  let info;
  try {
    info = readJpegInfo(jpeg);
  } catch (error) {
    if (error instanceof JpegError) throw new ExportError('PAGE_IMAGE_INVALID', `${key} of page ${page.index + 1} is not a usable JPEG: ${error.message}`);
    throw error;
  }
  const dpi = info.dpi && info.dpi >= 36 && info.dpi <= 2400 ? info.dpi : DEFAULT_DPI;
  const width = (info.width * 72) / dpi;
  const height = (info.height * 72) / dpi;
  // Boxes are in pixels of the page as the job measured it (the same raster as the image, normally).
  const sx = width / (page.width > 0 ? page.width : info.width);
  const sy = height / (page.height > 0 ? page.height : info.height);
  return { width, height, image: { jpeg, info }, words: pageWords(page, sx, sy, height) };
}

function blankPage(page: JobPage): PdfPage {
  const [width, height] = page.width > 0 && page.height > 0 ? [page.width, page.height] : LETTER;
  return { width, height, image: null, words: [] };
}

/**
 * The page's words in reading order, in PDF points (origin bottom left). A line without words
 * becomes one word on the line's box; a block without lines is cut into equal strips, one per
 * line of its text (the public job object may carry blocks only).
 */
export function pageWords(page: JobPage, sx: number, sy: number, pageHeight: number): PdfWord[] {
  const words: PdfWord[] = [];
  const push = (text: string, [x0, y0, x1, y1]: BBox, spaceAfter: boolean) => {
    words.push({
      text,
      x0: Math.min(x0, x1) * sx,
      x1: Math.max(x0, x1) * sx,
      y0: pageHeight - Math.max(y0, y1) * sy,
      y1: pageHeight - Math.min(y0, y1) * sy,
      spaceAfter,
    });
  };
  for (const block of page.blocks) {
    if (block.lines.length > 0) {
      for (const line of block.lines) {
        const lineWords = line.words.length > 0 ? line.words : [{ text: line.text, bbox: line.bbox }];
        lineWords.forEach((w, i) => push(w.text, w.bbox, i < lineWords.length - 1));
      }
      continue;
    }
    const texts = block.text.split('\n').filter((t) => t.trim() !== '');
    const [x0, y0, x1, y1] = block.bbox;
    const strip = (y1 - y0) / Math.max(1, texts.length);
    texts.forEach((text, i) => push(text, [x0, y0 + i * strip, x1, y0 + (i + 1) * strip], false));
  }
  return words;
}

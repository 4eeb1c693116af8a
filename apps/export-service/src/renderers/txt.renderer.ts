import type { JobDocument } from '@ocr/documents';
import { pagesInOrder, RenderedFile, utf8 } from './rendered-file';

/** Form feed: the page separator of plain text (what `pdftotext` writes between pages). */
export const PAGE_SEPARATOR = '\f';

/** The document's text, pages separated by a form feed. A job without pages gives its text. */
export function renderTxt(job: JobDocument): RenderedFile {
  const pages = pagesInOrder(job);
  const text = pages.length === 0 ? job.text : pages.map((p) => (p.error ? '' : p.text)).join(PAGE_SEPARATOR);
  return { contentType: 'text/plain; charset=utf-8', fileName: `${job.uuid}.txt`, body: utf8(text) };
}

import type { JobDocument, JobPage } from '@ocr/documents';

/** A rendered file: what it is, what to call it, and its bytes. */
export interface RenderedFile {
  contentType: string;
  fileName: string;
  body: Uint8Array;
}

/** The job's pages in page order (the document's own order is not trusted). */
export function pagesInOrder(job: JobDocument): JobPage[] {
  return [...job.pages].sort((a, b) => a.index - b.index);
}

/** UTF-8 bytes of a text file. */
export function utf8(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}

/** A file produced while it is sent (the searchable PDF): its bytes arrive as the stream is read. */
export interface StreamedFile {
  contentType: string;
  fileName: string;
  chunks: AsyncIterable<Uint8Array>;
}

import { DocumentError, inspectDocument, warmUpPdfjs } from '@ocr/documents';
import { DomainError, ErrorCode } from '../common/domain-error';
import type { DocumentInspector, InspectedDocument } from '../jobs/job.ports';

const CODES: Record<DocumentError['code'], ErrorCode> = {
  unsupported_type: 'unsupported_type',
  corrupt: 'corrupt_file',
  truncated: 'corrupt_file',
  encrypted: 'encrypted_file',
  too_many_pages: 'too_many_pages',
  too_many_pixels: 'too_many_pixels',
  too_large: 'file_too_large',
  empty: 'empty_file',
  page_out_of_range: 'bad_parameter',
  timeout: 'corrupt_file',
};

/** Finds the type from the bytes and counts pages without rasterizing; refusals become 400s. */
export class BytesDocumentInspector implements DocumentInspector {
  constructor(private readonly limits: { maxPixels: number; maxBytes: number }) {}

  /** Loads pdf.js now, at boot, rather than inside the first upload's request (see `warmUpPdfjs`). */
  async warmUp(): Promise<this> {
    await warmUpPdfjs();
    return this;
  }

  async inspect(bytes: Buffer, limits: { maxPages: number }): Promise<InspectedDocument> {
    try {
      const info = await inspectDocument(bytes, { ...this.limits, maxPages: limits.maxPages });
      return { mime: info.mime, page_count: info.page_count };
    } catch (e) {
      if (e instanceof DocumentError) throw new DomainError(CODES[e.code] ?? 'bad_request', e.message);
      throw e;
    }
  }
}

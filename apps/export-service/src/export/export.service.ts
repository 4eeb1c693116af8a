import { Inject, Injectable } from '@nestjs/common';
import { exportV1 } from '@ocr/proto';
import { concatMap, defer, from, Observable } from 'rxjs';
import { ExportError } from '../errors/export.error';
import { Renderer, RENDERERS, RenderedFile } from '../renderers';
import { parseRenderRequest } from './export.dto';

/** Largest chunk sent in one stream message (64 KiB). */
export const CHUNK_SIZE = 64 * 1024;

/** Splits a file into the stream's messages: the header, then chunks of at most `chunkSize` bytes. */
export function* fileMessages(file: RenderedFile, chunkSize = CHUNK_SIZE): Generator<exportV1.RenderDocumentResponse> {
  yield { header: { content_type: file.contentType, file_name: file.fileName } };
  for (let offset = 0; offset < file.body.length; offset += chunkSize) {
    yield { chunk: file.body.subarray(offset, Math.min(offset + chunkSize, file.body.length)) };
  }
}

/** Injection token of the format → renderer table. */
export const RENDERERS_TOKEN = Symbol('RENDERERS');

@Injectable()
export class ExportService {
  constructor(@Inject(RENDERERS_TOKEN) private readonly renderers: Partial<Record<string, Renderer>> = RENDERERS) {}

  /** Validates the request, renders the file and streams it; errors surface on the stream. */
  render(request: exportV1.RenderDocumentRequest): Observable<exportV1.RenderDocumentResponse> {
    return defer(async () => {
      const input = parseRenderRequest(request);
      const renderer = this.renderers[input.format];
      if (!renderer) {
        throw new ExportError(
          'FORMAT_NOT_IMPLEMENTED',
          `the ${input.format} format is not implemented yet by this export service (it needs the page images and a text-layer writer); use txt, md, docx, csv, json, hocr or alto`,
        );
      }
      return renderer(input);
    }).pipe(concatMap((file) => from(fileMessages(file))));
  }
}

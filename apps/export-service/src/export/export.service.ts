import { Inject, Injectable } from '@nestjs/common';
import { exportV1 } from '@ocr/proto';
import { Observable } from 'rxjs';
import { ExportError } from '../errors/export.error';
import { Renderer, RENDERERS, RenderedFile, StreamedFile } from '../renderers';
import { parseRenderRequest } from './export.dto';

/** Largest chunk sent in one stream message (64 KiB). */
export const CHUNK_SIZE = 64 * 1024;

/**
 * Splits a file into the stream's messages: the header, then chunks of at most `chunkSize`
 * bytes. A streamed file is read as the messages are taken, never ahead.
 */
export async function* fileMessages(file: RenderedFile | StreamedFile, chunkSize = CHUNK_SIZE): AsyncGenerator<exportV1.RenderDocumentResponse> {
  yield { header: { content_type: file.contentType, file_name: file.fileName } };
  const parts: AsyncIterable<Uint8Array> | Iterable<Uint8Array> = 'body' in file ? [file.body] : file.chunks;
  for await (const part of parts) {
    for (let offset = 0; offset < part.length; offset += chunkSize) {
      yield { chunk: part.subarray(offset, Math.min(offset + chunkSize, part.length)) };
    }
  }
}

/**
 * Waits, after each message is handed on, until the receiver can take more (a gRPC call's
 * `drain`); resolves at once when it can. Without one, messages are produced as fast as taken.
 */
export type Pace = () => Promise<void> | void;

/** Injection token of the format → renderer table. */
export const RENDERERS_TOKEN = Symbol('RENDERERS');

@Injectable()
export class ExportService {
  constructor(@Inject(RENDERERS_TOKEN) private readonly renderers: Partial<Record<string, Renderer>> = RENDERERS) {}

  /**
   * Validates the request, renders the file and streams it; errors surface on the stream. A
   * streamed file (pdf) is produced while it is sent: with `pace`, no further message is made
   * until the previous one could be written, so only a few chunks are ever held.
   */
  render(request: exportV1.RenderDocumentRequest, pace?: Pace): Observable<exportV1.RenderDocumentResponse> {
    return new Observable<exportV1.RenderDocumentResponse>((subscriber) => {
      let stopped = false;
      void (async () => {
        try {
          const input = parseRenderRequest(request);
          const renderer = this.renderers[input.format];
          if (!renderer) {
            throw new ExportError('FORMAT_NOT_IMPLEMENTED', `the ${input.format} format is not implemented by this export service`);
          }
          const file = await renderer(input);
          if (stopped) return;
          for await (const message of fileMessages(file)) {
            if (stopped) break;
            subscriber.next(message);
            if (pace) await pace();
          }
          subscriber.complete();
        } catch (error) {
          subscriber.error(error);
        }
      })();
      return () => {
        stopped = true;
      };
    });
  }
}

import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { type ClientReadableStream, status as GrpcStatus } from '@grpc/grpc-js';
import { jobArtifacts, type JobDocument } from '@ocr/documents';
import { exportV1 } from '@ocr/proto';
import { DomainError } from '../common/domain-error';

export const EXPORT_CLIENT = Symbol('EXPORT_CLIENT');

export const EXPORT_FORMATS = {
  txt: exportV1.ExportFormat.EXPORT_FORMAT_TXT,
  md: exportV1.ExportFormat.EXPORT_FORMAT_MD,
  docx: exportV1.ExportFormat.EXPORT_FORMAT_DOCX,
  pdf: exportV1.ExportFormat.EXPORT_FORMAT_PDF,
  csv: exportV1.ExportFormat.EXPORT_FORMAT_CSV,
  json: exportV1.ExportFormat.EXPORT_FORMAT_JSON,
  hocr: exportV1.ExportFormat.EXPORT_FORMAT_HOCR,
  alto: exportV1.ExportFormat.EXPORT_FORMAT_ALTO,
} as const;
export type ExportFormatName = keyof typeof EXPORT_FORMATS;

export interface RenderedFile {
  contentType: string;
  fileName: string;
  /** The file's bytes as they stream from the export service. */
  chunks: AsyncIterable<Buffer>;
}

/** The export service's generated client as grpc-js makes it: a server stream is a Readable. */
type RawExportClient = {
  renderDocument(request: exportV1.RenderDocumentRequest): ClientReadableStream<exportV1.RenderDocumentResponse>;
};

/**
 * Renders a job through the export service over gRPC, streaming the file back. The call is read
 * as a Node stream, so a slow HTTP client slows the export service down (gRPC flow control)
 * instead of the file piling up in the gateway's memory.
 */
@Injectable()
export class ExportRepository implements OnModuleInit {
  private service!: RawExportClient;

  constructor(@Inject(EXPORT_CLIENT) private readonly client: ClientGrpc) {}

  onModuleInit(): void {
    this.service = this.client.getClientByServiceName<RawExportClient>(exportV1.EXPORT_SERVICE_NAME);
  }

  /** Resolves once the header arrived (so errors become proper HTTP statuses before any byte is sent). */
  async render(job: JobDocument, format: ExportFormatName): Promise<RenderedFile> {
    const call = this.service.renderDocument({ job_json: JSON.stringify(job), format: EXPORT_FORMATS[format], page_images_prefix: jobArtifacts.pagesPrefix(job.uuid) });
    const iterator: AsyncIterator<exportV1.RenderDocumentResponse> = call[Symbol.asyncIterator]();
    const first = await iterator.next().catch((e) => Promise.reject(mapError(e)));
    const header = first.done ? undefined : first.value.header;
    if (!header) {
      call.cancel();
      throw new Error('the export service sent no header');
    }
    return {
      contentType: header.content_type,
      fileName: header.file_name,
      chunks: (async function* () {
        let ended = false;
        try {
          for (;;) {
            const next = await iterator.next();
            if (next.done) {
              ended = true;
              return;
            }
            if (next.value.chunk) yield Buffer.from(next.value.chunk);
          }
        } finally {
          // The HTTP client went away (or the stream failed): stop the export service rendering.
          if (!ended) call.cancel();
        }
      })(),
    };
  }
}

function mapError(e: unknown): unknown {
  const code = (e as { code?: number }).code;
  const details = (e as { details?: string }).details ?? 'export failed';
  if (code === GrpcStatus.UNIMPLEMENTED) return new DomainError('not_implemented', details);
  if (code === GrpcStatus.FAILED_PRECONDITION) return new DomainError('not_ready', details);
  if (code === GrpcStatus.INVALID_ARGUMENT) return new DomainError('bad_parameter', details);
  if (code === GrpcStatus.UNAVAILABLE) return new DomainError('unavailable', 'The export service is not reachable; try again shortly.');
  return e;
}

/** Domain error codes of the export service; the gRPC filter maps each to a status code. */
export type ExportErrorCode =
  | 'INVALID_JOB_JSON'
  | 'INVALID_JOB_DOCUMENT'
  | 'FORMAT_UNSPECIFIED'
  | 'FORMAT_UNKNOWN'
  | 'JOB_NOT_FINISHED'
  | 'FORMAT_NOT_IMPLEMENTED'
  | 'PAGE_IMAGES_REQUIRED'
  | 'PAGE_IMAGE_MISSING'
  | 'PAGE_IMAGE_INVALID';

/** An expected failure with a code and a message meant for the caller. */
export class ExportError extends Error {
  constructor(
    readonly code: ExportErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ExportError';
  }
}

/**
 * Why a file (or one of its pages) cannot be read. The gateway maps these codes to 400 responses
 * (or 413 for `too_large`); the worker turns them into a failed page with the message as its `error`.
 */
export type DocumentErrorCode =
  /** Not one of PNG, JPEG, WEBP, GIF, BMP, TIFF, PDF (judged from the bytes, never the name). */
  | 'unsupported_type'
  /** The bytes claim a known type but cannot be parsed. */
  | 'corrupt'
  /** The file ends early (an interrupted upload or a cut file). */
  | 'truncated'
  /** A password-protected PDF. */
  | 'encrypted'
  | 'too_many_pages'
  /** A page whose pixel count exceeds the limit (a decompression bomb), found from the header. */
  | 'too_many_pixels'
  | 'too_large'
  | 'empty'
  /** A page index outside the file's pages. */
  | 'page_out_of_range'
  /** Parsing or rendering took longer than allowed. */
  | 'timeout';

export class DocumentError extends Error {
  override readonly name = 'DocumentError';

  constructor(
    readonly code: DocumentErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isDocumentError(error: unknown): error is DocumentError {
  return error instanceof DocumentError;
}

/**
 * Codes shared with `OcrEngineError` where they mean the same (`bad_image`, `timeout`,
 * `inference_failed`); the others are Tesseract's own.
 */
export type TesseractErrorCode =
  | 'bad_image'
  | 'timeout'
  | 'inference_failed'
  | 'output_too_large'
  | 'language_not_installed'
  | 'engine_unavailable';

export class TesseractError extends Error {
  override readonly name = 'TesseractError';
  constructor(
    readonly code: TesseractErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

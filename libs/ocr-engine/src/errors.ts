/** What went wrong, as a stable machine-readable code. */
export type OcrEngineErrorCode =
  | 'bad_image'
  | 'image_too_large'
  | 'timeout'
  | 'model_load_failed'
  | 'inference_failed'
  | 'closed';

/** The one error type the engine throws: callers branch on `code`, users read `message`. */
export class OcrEngineError extends Error {
  override readonly name = 'OcrEngineError';
  constructor(
    readonly code: OcrEngineErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A wall-clock budget for one page; `check()` throws a typed `timeout` error once spent. */
export class Deadline {
  private readonly endsAt: number;
  constructor(
    readonly timeoutMs: number | undefined,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.endsAt = timeoutMs === undefined ? Number.POSITIVE_INFINITY : now() + timeoutMs;
  }
  check(stage: string): void {
    if (this.now() > this.endsAt) {
      throw new OcrEngineError('timeout', `page took longer than ${this.timeoutMs} ms (stopped during ${stage})`);
    }
  }
}

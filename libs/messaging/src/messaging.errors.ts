/** Base of this library's errors; `code` is stable for logs and filters. */
export class MessagingError extends Error {
  readonly code: string = 'MESSAGING_ERROR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Thrown by a handler when retrying cannot help (the upload is gone, the file is corrupt): the
 * message is terminated instead of redelivered.
 */
export class NonRetryableError extends MessagingError {
  override readonly code: string = 'NON_RETRYABLE';
}

/** A payload that is not JSON or does not match its schema. Never retried. */
export class InvalidMessageError extends NonRetryableError {
  override readonly code = 'INVALID_MESSAGE';
}

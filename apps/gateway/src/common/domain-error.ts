/**
 * Errors the gateway answers on purpose. Each has a code (in the JSON body) and maps to one HTTP
 * status in `HttpExceptionFilter`; anything else is an unexpected failure (500 with an error id).
 */
export const ERROR_STATUS = {
  bad_request: 400,
  no_file: 400,
  empty_file: 400,
  unsupported_type: 400,
  corrupt_file: 400,
  encrypted_file: 400,
  file_too_large: 400,
  too_many_pages: 400,
  too_many_pixels: 400,
  unknown_language: 400,
  unknown_tool: 400,
  bad_parameter: 400,
  unauthorized: 401,
  payment_required: 402,
  forbidden: 403,
  not_found: 404,
  not_ready: 409,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  not_implemented: 501,
  no_worker_pool: 503,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra fields for the JSON body, e.g. `used` and `cap` on 402. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

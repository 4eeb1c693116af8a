/**
 * Codes of billing's domain errors. The gRPC exception filter maps each to a gRPC status code;
 * anything thrown that is not a BillingError becomes INTERNAL with an error id.
 */
export type BillingErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION';

export class BillingError extends Error {
  constructor(
    readonly code: BillingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BillingError';
  }

  static invalid(message: string): BillingError {
    return new BillingError('INVALID_ARGUMENT', message);
  }

  static notFound(message: string): BillingError {
    return new BillingError('NOT_FOUND', message);
  }

  static unauthenticated(message: string): BillingError {
    return new BillingError('UNAUTHENTICATED', message);
  }

  static alreadyExists(message: string): BillingError {
    return new BillingError('ALREADY_EXISTS', message);
  }
}

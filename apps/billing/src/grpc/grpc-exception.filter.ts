import { Catch, Logger } from '@nestjs/common';
import { status } from '@grpc/grpc-js';
import { DomainGrpcExceptionFilter } from '@ocr/grpc-server';
import { BillingError, type BillingErrorCode } from '../billing/billing.error';

const GRPC_STATUS: Record<BillingErrorCode, status> = {
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  NOT_FOUND: status.NOT_FOUND,
  UNAUTHENTICATED: status.UNAUTHENTICATED,
  ALREADY_EXISTS: status.ALREADY_EXISTS,
  FAILED_PRECONDITION: status.FAILED_PRECONDITION,
};

/**
 * The one place where billing's errors become gRPC statuses. Domain errors keep their message;
 * anything else becomes INTERNAL with an error id, logged with the stack under the same id.
 */
@Catch()
export class GrpcExceptionFilter extends DomainGrpcExceptionFilter<BillingError> {
  constructor() {
    super({
      isDomainError: (exception): exception is BillingError => exception instanceof BillingError,
      statusOf: GRPC_STATUS,
      logger: new Logger('GrpcExceptionFilter'),
      messageOf: (error) => error.message,
      passRpcExceptions: false,
      internalMessage: (errorId) => `Internal error (error id ${errorId}).`,
      logEntry: (errorId, error) => [{ errorId, err: { name: error.name, message: error.message, stack: error.stack } }, 'unexpected error'],
    });
  }
}

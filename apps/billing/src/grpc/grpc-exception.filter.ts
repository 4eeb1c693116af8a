import { ArgumentsHost, Catch, Logger, RpcExceptionFilter } from '@nestjs/common';
import { status } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { Observable, throwError } from 'rxjs';
import { BillingError, type BillingErrorCode } from '../billing/billing.error';

const GRPC_STATUS: Record<BillingErrorCode, status> = {
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  NOT_FOUND: status.NOT_FOUND,
  UNAUTHENTICATED: status.UNAUTHENTICATED,
  ALREADY_EXISTS: status.ALREADY_EXISTS,
  FAILED_PRECONDITION: status.FAILED_PRECONDITION,
};

/** What a gRPC handler's error observable carries; grpc-js sends `code` and `message` (as details). */
export interface GrpcErrorBody {
  code: status;
  message: string;
}

/**
 * The one place where billing's errors become gRPC statuses. Domain errors keep their message;
 * anything else becomes INTERNAL with an error id, logged with the stack under the same id.
 */
@Catch()
export class GrpcExceptionFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('GrpcExceptionFilter');

  catch(exception: unknown, _host?: ArgumentsHost): Observable<never> {
    return throwError(() => this.toGrpcError(exception));
  }

  toGrpcError(exception: unknown): GrpcErrorBody {
    if (exception instanceof BillingError) return { code: GRPC_STATUS[exception.code], message: exception.message };
    const errorId = randomUUID();
    const error = exception instanceof Error ? exception : new Error(String(exception));
    this.logger.error({ errorId, err: { name: error.name, message: error.message, stack: error.stack } }, 'unexpected error');
    return { code: status.INTERNAL, message: `Internal error (error id ${errorId}).` };
  }
}

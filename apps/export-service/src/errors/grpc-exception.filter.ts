import { status as GrpcStatus } from '@grpc/grpc-js';
import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { Observable, throwError } from 'rxjs';
import { ExportError, ExportErrorCode } from './export.error';

/** The gRPC status each domain error code travels as. */
export const GRPC_STATUS_OF: Readonly<Record<ExportErrorCode, GrpcStatus>> = {
  INVALID_JOB_JSON: GrpcStatus.INVALID_ARGUMENT,
  INVALID_JOB_DOCUMENT: GrpcStatus.INVALID_ARGUMENT,
  FORMAT_UNSPECIFIED: GrpcStatus.INVALID_ARGUMENT,
  FORMAT_UNKNOWN: GrpcStatus.INVALID_ARGUMENT,
  JOB_NOT_FINISHED: GrpcStatus.FAILED_PRECONDITION,
  FORMAT_NOT_IMPLEMENTED: GrpcStatus.UNIMPLEMENTED,
  PAGE_IMAGES_REQUIRED: GrpcStatus.INVALID_ARGUMENT,
  PAGE_IMAGE_MISSING: GrpcStatus.FAILED_PRECONDITION,
  PAGE_IMAGE_INVALID: GrpcStatus.FAILED_PRECONDITION,
};

/** What the filter needs of a logger (nestjs-pino's PinoLogger fits). */
export interface ErrorLogger {
  error(obj: object, msg: string): void;
}

/** The error object Nest's gRPC server turns into a status: `code` and `message` (sent as details). */
export interface GrpcErrorPayload {
  code: GrpcStatus;
  message: string;
}

/**
 * Maps every error leaving a handler to a gRPC status: domain errors by their code, an
 * RpcException as it is, anything else to INTERNAL with an error id that is also logged
 * (with the stack) so an operator can find it from the caller's message.
 */
@Catch()
export class GrpcExceptionFilter implements RpcExceptionFilter<unknown> {
  constructor(private readonly logger: ErrorLogger) {}

  catch(exception: unknown, _host?: ArgumentsHost): Observable<never> {
    return throwError(() => this.toPayload(exception));
  }

  toPayload(exception: unknown): GrpcErrorPayload {
    if (exception instanceof ExportError) {
      return { code: GRPC_STATUS_OF[exception.code], message: `${exception.code}: ${exception.message}` };
    }
    if (exception instanceof RpcException) {
      const error = exception.getError();
      if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number') {
        const message = 'message' in error ? String(error.message) : exception.message;
        return { code: error.code as GrpcStatus, message };
      }
    }
    const errorId = randomUUID();
    const err = exception instanceof Error ? exception : new Error(String(exception));
    this.logger.error({ errorId, err }, `unexpected error ${errorId}: ${err.message}`);
    return { code: GrpcStatus.INTERNAL, message: `internal error (error id ${errorId})` };
  }
}

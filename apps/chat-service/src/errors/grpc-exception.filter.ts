import { status as GrpcStatus } from '@grpc/grpc-js';
import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { Observable, throwError } from 'rxjs';
import { ChatError, ChatErrorCode } from './chat.error';

/** The gRPC status each domain error code travels as. */
export const GRPC_STATUS_OF: Readonly<Record<ChatErrorCode, GrpcStatus>> = {
  INVALID_JOB_JSON: GrpcStatus.INVALID_ARGUMENT,
  INVALID_JOB_DOCUMENT: GrpcStatus.INVALID_ARGUMENT,
  JOB_NOT_FINISHED: GrpcStatus.FAILED_PRECONDITION,
  INVALID_MESSAGE: GrpcStatus.INVALID_ARGUMENT,
  INVALID_ARGUMENT: GrpcStatus.INVALID_ARGUMENT,
  ANONYMOUS: GrpcStatus.UNAUTHENTICATED,
  JOB_NOT_FOUND: GrpcStatus.NOT_FOUND,
  CONVERSATION_NOT_FOUND: GrpcStatus.NOT_FOUND,
};

/** What the filter needs of a logger (nestjs-pino's PinoLogger fits). */
export interface ErrorLogger {
  error(obj: object, msg: string): void;
}

export interface GrpcErrorPayload {
  code: GrpcStatus;
  message: string;
}

/**
 * Maps every error leaving a handler to a gRPC status: domain errors by their code, an
 * RpcException as it is, anything else to INTERNAL with an error id that is also logged.
 */
@Catch()
export class GrpcExceptionFilter implements RpcExceptionFilter<unknown> {
  constructor(private readonly logger: ErrorLogger) {}

  catch(exception: unknown, _host?: ArgumentsHost): Observable<never> {
    return throwError(() => this.toPayload(exception));
  }

  toPayload(exception: unknown): GrpcErrorPayload {
    if (exception instanceof ChatError) {
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

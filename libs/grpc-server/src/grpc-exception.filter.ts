import { status as GrpcStatus } from '@grpc/grpc-js';
import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { Observable, throwError } from 'rxjs';

/** A service's domain error: an Error with a machine-readable code. */
export interface DomainError<C extends string = string> extends Error {
  readonly code: C;
}

/** What the filter needs of a logger (nestjs-pino's PinoLogger and Nest's Logger fit). */
export interface ErrorLogger {
  error(obj: object, msg: string): void;
}

/** The error object Nest's gRPC server turns into a status: `code` and `message` (sent as details). */
export interface GrpcErrorPayload {
  code: GrpcStatus;
  message: string;
}

export interface GrpcExceptionFilterOptions<E extends DomainError> {
  /** Whether a thrown value is one of the service's domain errors (usually an `instanceof` check). */
  isDomainError(exception: unknown): exception is E;
  /** The gRPC status each domain error code travels as; every code must have one. */
  statusOf: Readonly<Record<E['code'], GrpcStatus>>;
  /** Where unexpected errors are logged, under their error id. */
  logger: ErrorLogger;
  /** The message a domain error travels with. Default: `CODE: message`. */
  messageOf?(error: E): string;
  /** Pass an RpcException that carries a numeric gRPC `code` through as it is. Default: true. */
  passRpcExceptions?: boolean;
  /** The message the caller gets for an unexpected error. Default: `internal error (error id <id>)`. */
  internalMessage?(errorId: string): string;
  /** The log entry of an unexpected error. Default: `{ errorId, err }`, `unexpected error <id>: <message>`. */
  logEntry?(errorId: string, error: Error): [obj: object, msg: string];
}

/**
 * Maps every error leaving a gRPC handler to a gRPC status: the service's domain errors by their
 * code, an RpcException with a status as it is, anything else to INTERNAL with an error id that
 * is also logged (with the stack) so an operator can find it from the caller's message.
 *
 * Each service subclasses it (decorated with `@Catch()`) or builds one in a provider factory,
 * passing its own code→status map and domain error check.
 */
@Catch()
export class DomainGrpcExceptionFilter<E extends DomainError> implements RpcExceptionFilter<unknown> {
  constructor(private readonly options: GrpcExceptionFilterOptions<E>) {}

  catch(exception: unknown, _host?: ArgumentsHost): Observable<never> {
    return throwError(() => this.toPayload(exception));
  }

  toPayload(exception: unknown): GrpcErrorPayload {
    const { isDomainError, statusOf, logger, messageOf, passRpcExceptions = true, internalMessage, logEntry } = this.options;
    if (isDomainError(exception)) {
      const code: E['code'] = exception.code;
      return { code: statusOf[code], message: messageOf ? messageOf(exception) : `${exception.code}: ${exception.message}` };
    }
    if (passRpcExceptions && exception instanceof RpcException) {
      const error = exception.getError();
      if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number') {
        const message = 'message' in error ? String(error.message) : exception.message;
        return { code: error.code as GrpcStatus, message };
      }
    }
    const errorId = randomUUID();
    const err = exception instanceof Error ? exception : new Error(String(exception));
    const [obj, msg] = logEntry ? logEntry(errorId, err) : [{ errorId, err }, `unexpected error ${errorId}: ${err.message}`];
    logger.error(obj, msg);
    return { code: GrpcStatus.INTERNAL, message: internalMessage ? internalMessage(errorId) : `internal error (error id ${errorId})` };
  }
}

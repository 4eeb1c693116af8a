import { status as GrpcStatus } from '@grpc/grpc-js';
import { Catch } from '@nestjs/common';
import { DomainGrpcExceptionFilter, ErrorLogger } from '@ocr/grpc-server';
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

/** Chat's errors as gRPC statuses (`CODE: message`); anything else is INTERNAL with a logged error id. */
@Catch()
export class GrpcExceptionFilter extends DomainGrpcExceptionFilter<ChatError> {
  constructor(logger: ErrorLogger) {
    super({ isDomainError: (exception): exception is ChatError => exception instanceof ChatError, statusOf: GRPC_STATUS_OF, logger });
  }
}

import { status as GrpcStatus } from '@grpc/grpc-js';
import { Catch } from '@nestjs/common';
import { DomainGrpcExceptionFilter, ErrorLogger } from '@ocr/grpc-server';
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

/** Export's errors as gRPC statuses (`CODE: message`); anything else is INTERNAL with a logged error id. */
@Catch()
export class GrpcExceptionFilter extends DomainGrpcExceptionFilter<ExportError> {
  constructor(logger: ErrorLogger) {
    super({ isDomainError: (exception): exception is ExportError => exception instanceof ExportError, statusOf: GRPC_STATUS_OF, logger });
  }
}

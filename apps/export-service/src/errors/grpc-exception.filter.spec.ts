import { status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { ExportError } from './export.error';
import { ErrorLogger } from '@ocr/grpc-server';
import { GrpcExceptionFilter } from './grpc-exception.filter';

describe(GrpcExceptionFilter.name, () => {
  const logged: { obj: object; msg: string }[] = [];
  const logger: ErrorLogger = { error: (obj, msg) => logged.push({ obj, msg }) };
  const sut = new GrpcExceptionFilter(logger);
  beforeEach(() => (logged.length = 0));

  it.each([
    ['INVALID_JOB_JSON', status.INVALID_ARGUMENT],
    ['INVALID_JOB_DOCUMENT', status.INVALID_ARGUMENT],
    ['FORMAT_UNSPECIFIED', status.INVALID_ARGUMENT],
    ['FORMAT_UNKNOWN', status.INVALID_ARGUMENT],
    ['JOB_NOT_FINISHED', status.FAILED_PRECONDITION],
    ['FORMAT_NOT_IMPLEMENTED', status.UNIMPLEMENTED],
    ['PAGE_IMAGES_REQUIRED', status.INVALID_ARGUMENT],
    ['PAGE_IMAGE_MISSING', status.FAILED_PRECONDITION],
    ['PAGE_IMAGE_INVALID', status.FAILED_PRECONDITION],
  ] as const)('maps %s to gRPC status %i with the message', async (code, expected) => {
    await expect(lastValueFrom(sut.catch(new ExportError(code, 'what went wrong')))).rejects.toEqual({
      code: expected,
      message: `${code}: what went wrong`,
    });
    expect(logged).toHaveLength(0);
  });

  it('passes an RpcException with a status through', () => {
    expect(sut.toPayload(new RpcException({ code: status.NOT_FOUND, message: 'gone' }))).toEqual({ code: status.NOT_FOUND, message: 'gone' });
  });

  it('turns anything else into INTERNAL with an error id that is also logged', () => {
    const payload = sut.toPayload(new TypeError('boom'));
    expect(payload.code).toBe(status.INTERNAL);
    const id = /error id ([0-9a-f-]{36})/.exec(payload.message)?.[1];
    expect(id).toBeDefined();
    expect(payload.message).not.toContain('boom');
    expect(logged).toHaveLength(1);
    expect(logged[0].obj).toMatchObject({ errorId: id });
    expect(logged[0].msg).toContain(id);
  });
});

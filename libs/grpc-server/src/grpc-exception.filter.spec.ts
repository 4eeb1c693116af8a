import { status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { DomainGrpcExceptionFilter, ErrorLogger, GrpcExceptionFilterOptions } from './grpc-exception.filter';

type ShopErrorCode = 'OUT_OF_STOCK' | 'NO_SUCH_ITEM' | 'BAD_QUANTITY';

class ShopError extends Error {
  constructor(
    readonly code: ShopErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const STATUS_OF: Record<ShopErrorCode, status> = {
  OUT_OF_STOCK: status.FAILED_PRECONDITION,
  NO_SUCH_ITEM: status.NOT_FOUND,
  BAD_QUANTITY: status.INVALID_ARGUMENT,
};

describe(DomainGrpcExceptionFilter.name, () => {
  const logged: { obj: object; msg: string }[] = [];
  const logger: ErrorLogger = { error: (obj, msg) => logged.push({ obj, msg }) };
  const filter = (extra: Partial<GrpcExceptionFilterOptions<ShopError>> = {}) =>
    new DomainGrpcExceptionFilter<ShopError>({ isDomainError: (e): e is ShopError => e instanceof ShopError, statusOf: STATUS_OF, logger, ...extra });
  beforeEach(() => (logged.length = 0));

  it.each([
    ['OUT_OF_STOCK', status.FAILED_PRECONDITION],
    ['NO_SUCH_ITEM', status.NOT_FOUND],
    ['BAD_QUANTITY', status.INVALID_ARGUMENT],
  ] as const)('maps %s to gRPC status %i with `CODE: message` by default', async (code, expected) => {
    const sut = filter();
    await expect(lastValueFrom(sut.catch(new ShopError(code, 'what went wrong')))).rejects.toEqual({
      code: expected,
      message: `${code}: what went wrong`,
    });
    expect(logged).toHaveLength(0);
  });

  it('sends a domain error with the message the service chooses', () => {
    const sut = filter({ messageOf: (e) => e.message });
    expect(sut.toPayload(new ShopError('NO_SUCH_ITEM', 'no item 7'))).toEqual({ code: status.NOT_FOUND, message: 'no item 7' });
  });

  it('passes an RpcException with a status through', () => {
    const sut = filter();
    expect(sut.toPayload(new RpcException({ code: status.NOT_FOUND, message: 'gone' }))).toEqual({ code: status.NOT_FOUND, message: 'gone' });
    expect(logged).toHaveLength(0);
  });

  it('treats an RpcException without a numeric status as unexpected', () => {
    const sut = filter();
    expect(sut.toPayload(new RpcException('plain text')).code).toBe(status.INTERNAL);
    expect(logged).toHaveLength(1);
  });

  it('treats an RpcException as unexpected when the service does not pass them through', () => {
    const sut = filter({ passRpcExceptions: false });
    expect(sut.toPayload(new RpcException({ code: status.NOT_FOUND, message: 'gone' })).code).toBe(status.INTERNAL);
    expect(logged).toHaveLength(1);
  });

  it('turns anything else into INTERNAL with an error id that is also logged', () => {
    const sut = filter();
    const payload = sut.toPayload(new TypeError('boom'));
    expect(payload.code).toBe(status.INTERNAL);
    const id = /^internal error \(error id ([0-9a-f-]{36})\)$/.exec(payload.message)?.[1];
    expect(id).toBeDefined();
    expect(payload.message).not.toContain('boom');
    expect(logged).toHaveLength(1);
    expect(logged[0].obj).toMatchObject({ errorId: id, err: expect.any(TypeError) });
    expect(logged[0].msg).toBe(`unexpected error ${id}: boom`);
  });

  it('logs a thrown non-Error value as an Error with its text', () => {
    const sut = filter();
    expect(sut.toPayload('just a string').code).toBe(status.INTERNAL);
    expect(logged[0].obj).toMatchObject({ err: expect.objectContaining({ message: 'just a string' }) });
  });

  it('gives every unexpected error its own id', () => {
    const sut = filter();
    expect(sut.toPayload(new Error('a')).message).not.toBe(sut.toPayload(new Error('a')).message);
  });

  it('words the caller message and the log entry as the service chooses', () => {
    const sut = filter({
      internalMessage: (id) => `Internal error (error id ${id}).`,
      logEntry: (id, err) => [{ errorId: id, err: { name: err.name, message: err.message } }, 'unexpected error'],
    });
    const payload = sut.toPayload(new RangeError('too far'));
    const id = /^Internal error \(error id ([0-9a-f-]{36})\)\.$/.exec(payload.message)?.[1];
    expect(id).toBeDefined();
    expect(logged).toEqual([{ obj: { errorId: id, err: { name: 'RangeError', message: 'too far' } }, msg: 'unexpected error' }]);
  });
});

import { Logger } from '@nestjs/common';
import { status } from '@grpc/grpc-js';
import { firstValueFrom } from 'rxjs';
import { BillingError } from '../billing/billing.error';
import { GrpcExceptionFilter } from './grpc-exception.filter';

async function mapped(exception: unknown): Promise<{ code: number; message: string }> {
  const sut = new GrpcExceptionFilter();
  try {
    await firstValueFrom(sut.catch(exception));
  } catch (error) {
    return error as { code: number; message: string };
  }
  throw new Error('the filter must produce an error');
}

describe(GrpcExceptionFilter.name, () => {
  it.each([
    ['INVALID_ARGUMENT', status.INVALID_ARGUMENT],
    ['NOT_FOUND', status.NOT_FOUND],
    ['UNAUTHENTICATED', status.UNAUTHENTICATED],
    ['ALREADY_EXISTS', status.ALREADY_EXISTS],
    ['FAILED_PRECONDITION', status.FAILED_PRECONDITION],
  ] as const)('maps %s to its gRPC status and keeps the message', async (code, grpc) => {
    expect(await mapped(new BillingError(code, 'what went wrong'))).toEqual({ code: grpc, message: 'what went wrong' });
  });

  it('turns any other error into INTERNAL with an error id that is also logged', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

    const error = await mapped(new TypeError('cannot read x of undefined'));

    expect(error.code).toBe(status.INTERNAL);
    const id = /error id ([0-9a-f-]{36})/.exec(error.message)?.[1];
    expect(id).toBeDefined();
    expect(error.message).not.toContain('cannot read');
    expect(logged).toHaveBeenCalledWith(expect.objectContaining({ errorId: id }), 'unexpected error');
    logged.mockRestore();
  });
});

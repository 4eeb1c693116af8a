import { status } from '@grpc/grpc-js';
import { billingV1 } from '@ocr/proto';
import { Observable } from 'rxjs';
import { InMemoryBillingGrpc } from '../../test/in-memory-billing.grpc';
import { DomainError } from '../common/domain-error';
import { BillingRepository, Caller } from './billing.repository';

async function outcome(promise: Promise<unknown>): Promise<{ code: string; status: number; message: string } | 'raw error' | 'ok'> {
  try {
    await promise;
    return 'ok';
  } catch (e) {
    if (e instanceof DomainError) return { code: e.code, status: e.status, message: e.message };
    return 'raw error';
  }
}

describe(BillingRepository.name, () => {
  let billing: InMemoryBillingGrpc;
  let sut: BillingRepository;
  const anonymous: Caller = { account: null, clientIp: '203.0.113.7' };

  beforeEach(() => {
    billing = new InMemoryBillingGrpc();
    sut = new BillingRepository(billing.client());
    sut.onModuleInit();
  });

  it.each([
    [status.UNAVAILABLE, 'unavailable', 503],
    [status.DEADLINE_EXCEEDED, 'unavailable', 503],
    [status.UNAUTHENTICATED, 'unauthorized', 401],
    [status.NOT_FOUND, 'not_found', 404],
    [status.ALREADY_EXISTS, 'conflict', 409],
    [status.INVALID_ARGUMENT, 'bad_parameter', 400],
  ])('maps gRPC status %s to %s (%s)', async (code, domain, http) => {
    billing.failures.push(code);
    expect(await outcome(sut.settle('job-1', 1, 0))).toMatchObject({ code: domain, status: http });
  });

  it('lets any other gRPC failure through as an unexpected error (a 500 with an error id)', async () => {
    billing.failures.push(status.INTERNAL);
    expect(await outcome(sut.settle('job-1', 1, 0))).toBe('raw error');
  });

  it('names the per-file page cap when Reserve refuses the page count, and keeps other bad arguments apart', async () => {
    expect(await outcome(sut.reserve('job-1', anonymous, 'cpu', 6))).toEqual({
      code: 'too_many_pages',
      status: 400,
      message: 'The file has 6 pages; the anonymous plan allows at most 5 pages per file.',
    });
    billing.failures.push(status.INVALID_ARGUMENT);
    expect(await outcome(sut.reserve('job-2', anonymous, 'cpu', 1))).toMatchObject({ code: 'bad_parameter', status: 400 });
  });

  it('answers a Reserve without a token where anonymous use is off with 401 and billing’s reason', async () => {
    billing.terms.anonymousDaily = 0;
    expect(await outcome(sut.reserve('job-1', anonymous, 'cpu', 1))).toEqual({
      code: 'unauthorized',
      status: 401,
      message: 'Anonymous use is disabled on this server: send an API token.',
    });
  });

  it('reports a refused reservation with used and cap, not as an error', async () => {
    billing.terms.anonymousDaily = 1;
    expect((await sut.reserve('job-1', anonymous, 'cpu', 1)).accepted).toBe(true);
    expect(await sut.reserve('job-2', anonymous, 'cpu', 1)).toMatchObject({ accepted: false, used: 1, cap: 1 });
  });

  it('opens accounts, answers a used e-mail with conflict, issues, revokes (true, then false) and reads accounts', async () => {
    const created = await sut.createAccount('a@example.com', billingV1.Plan.PLAN_FREE, 0);
    expect(await outcome(sut.createAccount('A@example.com', billingV1.Plan.PLAN_FREE, 0))).toMatchObject({ code: 'conflict', status: 409 });
    const id = created.account!.id;
    const issued = await sut.issueToken(id, 'laptop');
    expect((await sut.authenticate(issued.token)).id).toBe(id);
    expect(await sut.revokeToken(id, issued.token_id)).toBe(true);
    expect(await sut.revokeToken(id, issued.token_id)).toBe(false);
    expect(await outcome(sut.authenticate(issued.token))).toMatchObject({ code: 'unauthorized', status: 401 });
    expect(await outcome(sut.revokeToken(id, '7d5e1f00-0000-4000-8000-00000000abcd'))).toEqual({ code: 'not_found', status: 404, message: 'No such token.' });
    expect((await sut.getAccount(id)).email).toBe('a@example.com');
    expect(await outcome(sut.getAccount('7d5e1f00-0000-4000-8000-00000000abcd'))).toMatchObject({ code: 'not_found', status: 404 });
    expect(await outcome(sut.issueToken('7d5e1f00-0000-4000-8000-00000000abcd', ''))).toMatchObject({ code: 'not_found', status: 404 });
  });

  it('turns a billing that does not answer within the deadline into 503', async () => {
    jest.useFakeTimers();
    try {
      const never = { getService: () => ({ settle: () => new Observable(() => undefined) }) };
      const slow = new BillingRepository(never as never);
      slow.onModuleInit();
      const pending = outcome(slow.settle('job-1', 1, 0));
      await jest.advanceTimersByTimeAsync(10_001);
      expect(await pending).toMatchObject({ code: 'unavailable', status: 503 });
    } finally {
      jest.useRealTimers();
    }
  });
});

import { Logger } from '@nestjs/common';
import { FakeBillingRepository } from '../../test/fake-billing.repository';
import { loadBillingConfig } from '../config/billing.config';
import { hashToken } from '../tokens/token.codec';
import { BillingError } from './billing.error';
import { BillingService, type ReserveCommand } from './billing.service';
import { Clock } from './clock';

class FakeClock extends Clock {
  constructor(public current: Date) {
    super();
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

const HOUR = 3_600_000;

function setup(env: Record<string, string> = {}) {
  const config = loadBillingConfig({
    DATABASE_URL: 'postgres://unused/unused',
    BILLING_ANON_DAILY_PAGES: '3',
    BILLING_FREE_MONTHLY_PAGES: '10',
    BILLING_MAX_PAGES_ANONYMOUS: '5',
    BILLING_MAX_PAGES_FREE: '8',
    ...env,
  });
  const repository = new FakeBillingRepository();
  const clock = new FakeClock(new Date('2026-11-25T10:00:00Z'));
  const sut = new BillingService(repository, clock, config);
  return { sut, repository, clock };
}

async function rejection(promise: Promise<unknown>): Promise<BillingError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BillingError) return error;
    throw error;
  }
  throw new Error('expected a BillingError, got success');
}

function job(overrides: Partial<ReserveCommand> = {}): ReserveCommand {
  return { jobId: `job-${Math.random()}`, accountId: null, clientIp: '203.0.113.7', tier: 'cpu', pages: 1, ...overrides };
}

describe(BillingService.name, () => {
  let ctx: ReturnType<typeof setup>;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    ctx = setup();
  });

  afterEach(() => {
    ctx.repository.assertLedgerConsistent();
  });

  describe('accounts and tokens', () => {
    it('creates an account with its initial credits recorded as a purchase and a working token', async () => {
      const created = await ctx.sut.createAccount('a@b.c', 'paid', 100);

      expect(created.account.balance).toBe(100);
      expect(created.token).toMatch(/^ocr_[A-Za-z0-9_-]{43}$/);
      expect(ctx.repository.state.ledger).toEqual([expect.objectContaining({ kind: 'purchase', amount: 100 })]);
      expect((await ctx.sut.authenticate(created.token)).account.id).toBe(created.account.id);
    });

    it('stores only the hash of a token, never its text', async () => {
      const created = await ctx.sut.createAccount('a@b.c', 'free', 0);

      const [stored] = [...ctx.repository.state.tokens.values()];
      expect(stored!.hash.equals(hashToken(created.token))).toBe(true);
      expect(JSON.stringify([...ctx.repository.state.tokens.values()])).not.toContain(created.token);
    });

    it('refuses a second account with the same e-mail with ALREADY_EXISTS', async () => {
      await ctx.sut.createAccount('a@b.c', 'free', 0);

      const error = await rejection(ctx.sut.createAccount('a@b.c', 'paid', 5));

      expect(error.code).toBe('ALREADY_EXISTS');
      expect(ctx.repository.state.accounts.size).toBe(1);
    });

    it.each([
      ['an unknown token', 'ocr_' + 'x'.repeat(43)],
      ['a malformed token', 'hello'],
      ['an empty token', ''],
    ])('rejects %s as UNAUTHENTICATED', async (_what, token) => {
      await ctx.sut.createAccount('a@b.c', 'free', 0);

      expect((await rejection(ctx.sut.authenticate(token))).code).toBe('UNAUTHENTICATED');
    });

    it('rejects a revoked token while the account’s other tokens keep working', async () => {
      const created = await ctx.sut.createAccount('a@b.c', 'free', 0);
      const second = await ctx.sut.issueToken(created.account.id, 'laptop');

      expect(await ctx.sut.revokeToken(created.account.id, created.tokenId)).toBe(true);
      expect(await ctx.sut.revokeToken(created.account.id, created.tokenId)).toBe(false);

      expect((await rejection(ctx.sut.authenticate(created.token))).code).toBe('UNAUTHENTICATED');
      expect((await ctx.sut.authenticate(second.token)).account.id).toBe(created.account.id);
    });

    it('does not let one account revoke another account’s token', async () => {
      const a = await ctx.sut.createAccount('a@b.c', 'free', 0);
      const b = await ctx.sut.createAccount('b@b.c', 'free', 0);

      expect((await rejection(ctx.sut.revokeToken(b.account.id, a.tokenId))).code).toBe('NOT_FOUND');
      await expect(ctx.sut.authenticate(a.token)).resolves.toBeDefined();
    });

    it('records when a token was last used, at most once a minute', async () => {
      const created = await ctx.sut.createAccount('a@b.c', 'free', 0);
      const token = () => ctx.repository.state.tokens.get(created.tokenId)!;

      await ctx.sut.authenticate(created.token);
      const first = token().lastUsedAt;
      ctx.clock.advance(10_000);
      await ctx.sut.authenticate(created.token);
      expect(token().lastUsedAt).toEqual(first);
      ctx.clock.advance(60_000);
      await ctx.sut.authenticate(created.token);

      expect(first).toEqual(new Date('2026-11-25T10:00:00Z'));
      expect(token().lastUsedAt).toEqual(new Date('2026-11-25T10:01:10Z'));
    });

    it('adds credits as a purchase and changes plans', async () => {
      const created = await ctx.sut.createAccount('a@b.c', 'free', 0);

      expect(await ctx.sut.addCredits(created.account.id, 40, 'order 17')).toBe(40);
      const view = await ctx.sut.setPlan(created.account.id, 'paid');

      expect(view.account.plan).toBe('paid');
      expect(view.terms.priority).toBe(0);
      expect(view.terms.maxPagesPerFile).toBe(2000);
      expect(ctx.repository.state.ledger.at(-1)).toEqual(expect.objectContaining({ kind: 'purchase', amount: 40, note: 'order 17' }));
    });

    it('answers NOT_FOUND for an unknown account', async () => {
      const id = '3f0c3e1e-0000-4000-8000-000000000000';
      expect((await rejection(ctx.sut.getAccount(id))).code).toBe('NOT_FOUND');
      expect((await rejection(ctx.sut.addCredits(id, 1, 'x'))).code).toBe('NOT_FOUND');
      expect((await rejection(ctx.sut.setPlan(id, 'paid'))).code).toBe('NOT_FOUND');
      expect((await rejection(ctx.sut.issueToken(id, 'x'))).code).toBe('NOT_FOUND');
      expect((await rejection(ctx.sut.reserve(job({ accountId: id })))).code).toBe('NOT_FOUND');
    });
  });

  describe('reserve', () => {
    it('takes pages × tier cost from a paid balance and answers with priority and per-file cap', async () => {
      const { account } = await ctx.sut.createAccount('a@b.c', 'paid', 12);

      const result = await ctx.sut.reserve(job({ accountId: account.id, tier: 'vlm', pages: 2 }));

      expect(result).toEqual(
        expect.objectContaining({ accepted: true, credits: 10, used: 10, cap: 12, priority: 0, maxPagesPerFile: 2000 }),
      );
      expect((await ctx.sut.getAccount(account.id)).account.balance).toBe(2);
    });

    it('refuses a paid job the balance cannot cover, with used and cap, and takes nothing', async () => {
      const { account } = await ctx.sut.createAccount('a@b.c', 'paid', 6);
      await ctx.sut.reserve(job({ accountId: account.id, pages: 4 }));

      const result = await ctx.sut.reserve(job({ accountId: account.id, pages: 3 }));

      expect(result).toEqual(expect.objectContaining({ accepted: false, reservationId: '', credits: 3, used: 4, cap: 6 }));
      expect(result.reason).toMatch(/Out of credits/);
      expect((await ctx.sut.getAccount(account.id)).account.balance).toBe(2);
      expect(ctx.repository.state.reservations.size).toBe(1);
    });

    it('counts a free account against its monthly allowance, which a new month resets', async () => {
      const { account } = await ctx.sut.createAccount('a@b.c', 'free', 0);

      expect((await ctx.sut.reserve(job({ accountId: account.id, pages: 8 }))).accepted).toBe(true);
      const refused = await ctx.sut.reserve(job({ accountId: account.id, pages: 3 }));
      expect(refused).toEqual(expect.objectContaining({ accepted: false, used: 8, cap: 10, priority: 1 }));
      expect(refused.reason).toMatch(/Monthly allowance/);
      expect((await ctx.sut.getAccount(account.id)).usedThisPeriod).toBe(8);

      ctx.clock.current = new Date('2026-12-01T00:00:01Z');
      expect((await ctx.sut.reserve(job({ accountId: account.id, pages: 3 }))).accepted).toBe(true);
      expect((await ctx.sut.getAccount(account.id)).usedThisPeriod).toBe(3);
    });

    it('counts anonymous callers per IP per day', async () => {
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await ctx.sut.reserve(job({ clientIp: '203.0.113.7' })));
      const otherIp = await ctx.sut.reserve(job({ clientIp: '2001:db8::1' }));
      ctx.clock.current = new Date('2026-11-26T00:00:00Z');
      const nextDay = await ctx.sut.reserve(job({ clientIp: '203.0.113.7' }));

      expect(results.map((r) => r.accepted)).toEqual([true, true, true, false]);
      expect(results[3]).toEqual(expect.objectContaining({ used: 3, cap: 3, priority: 2, maxPagesPerFile: 5 }));
      expect(otherIp.accepted).toBe(true);
      expect(nextDay.accepted).toBe(true);
    });

    it('refuses anonymous use with UNAUTHENTICATED when the daily allowance is 0', async () => {
      ctx = setup({ BILLING_ANON_DAILY_PAGES: '0' });

      expect((await rejection(ctx.sut.reserve(job()))).code).toBe('UNAUTHENTICATED');
    });

    it('refuses a file over the plan’s page cap with INVALID_ARGUMENT', async () => {
      const { account } = await ctx.sut.createAccount('a@b.c', 'free', 0);

      const error = await rejection(ctx.sut.reserve(job({ accountId: account.id, pages: 9 })));

      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toMatch(/at most 8 pages per file/);
    });

    it('is idempotent per job: a second Reserve returns the first and takes nothing more', async () => {
      const { account } = await ctx.sut.createAccount('a@b.c', 'paid', 3);
      const cmd = job({ accountId: account.id, pages: 3 });

      const first = await ctx.sut.reserve(cmd);
      const second = await ctx.sut.reserve(cmd);

      expect(second).toEqual(first);
      expect(second.accepted).toBe(true);
      expect((await ctx.sut.getAccount(account.id)).account.balance).toBe(0);
    });

    it('answers ALREADY_EXISTS when a job id is reused by another caller', async () => {
      const cmd = job();
      await ctx.sut.reserve(cmd);

      expect((await rejection(ctx.sut.reserve({ ...cmd, clientIp: '198.51.100.1' }))).code).toBe('ALREADY_EXISTS');
      expect((await rejection(ctx.sut.reserve({ ...cmd, pages: 2 }))).code).toBe('ALREADY_EXISTS');
    });
  });

  describe('settle', () => {
    it('charges succeeded pages and refunds failed ones, once', async () => {
      const { account } = await ctx.sut.createAccount('a@b.c', 'paid', 20);
      const cmd = job({ accountId: account.id, tier: 'vlm', pages: 3 });
      await ctx.sut.reserve(cmd);

      const settled = await ctx.sut.settle({ jobId: cmd.jobId, pagesSucceeded: 2, pagesFailed: 1 });
      const again = await ctx.sut.settle({ jobId: cmd.jobId, pagesSucceeded: 2, pagesFailed: 1 });

      expect(settled).toEqual({ charged: 10, refunded: 5 });
      expect(again).toEqual(settled);
      expect((await ctx.sut.getAccount(account.id)).account.balance).toBe(10);
      expect(ctx.repository.state.ledger.map((e) => [e.kind, e.amount])).toEqual([
        ['purchase', 20],
        ['reserve', -15],
        ['refund', 5],
      ]);
    });

    it('gives a free account’s failed pages back to its monthly allowance', async () => {
      const { account } = await ctx.sut.createAccount('a@b.c', 'free', 0);
      const cmd = job({ accountId: account.id, pages: 5 });
      await ctx.sut.reserve(cmd);

      await ctx.sut.settle({ jobId: cmd.jobId, pagesSucceeded: 1, pagesFailed: 4 });

      expect((await ctx.sut.getAccount(account.id)).usedThisPeriod).toBe(1);
    });

    it('rejects unknown jobs with NOT_FOUND and more pages than reserved with INVALID_ARGUMENT', async () => {
      const cmd = job({ pages: 2 });
      await ctx.sut.reserve(cmd);

      expect((await rejection(ctx.sut.settle({ jobId: 'nope', pagesSucceeded: 1, pagesFailed: 0 }))).code).toBe('NOT_FOUND');
      expect((await rejection(ctx.sut.settle({ jobId: cmd.jobId, pagesSucceeded: 2, pagesFailed: 1 }))).code).toBe(
        'INVALID_ARGUMENT',
      );
    });
  });

  describe('sweepExpired', () => {
    it('refunds reservations past their TTL, and a late Settle charges nothing', async () => {
      const { account } = await ctx.sut.createAccount('a@b.c', 'paid', 10);
      const stale = job({ accountId: account.id, pages: 4 });
      await ctx.sut.reserve(stale);
      ctx.clock.advance(HOUR);
      const fresh = job({ accountId: account.id, pages: 1 });
      await ctx.sut.reserve(fresh);

      ctx.clock.advance(HOUR + 1000);
      expect(await ctx.sut.sweepExpired()).toBe(1);
      expect(await ctx.sut.sweepExpired()).toBe(0);

      expect((await ctx.sut.getAccount(account.id)).account.balance).toBe(9);
      expect(await ctx.sut.settle({ jobId: stale.jobId, pagesSucceeded: 4, pagesFailed: 0 })).toEqual({ charged: 0, refunded: 4 });
      expect(ctx.repository.state.ledger.filter((e) => e.kind === 'expiry_refund')).toHaveLength(1);
    });

    it('sweeps more reservations than fit in one batch', async () => {
      ctx = setup({ BILLING_ANON_DAILY_PAGES: '1000' });
      for (let i = 0; i < 250; i++) await ctx.sut.reserve(job());
      ctx.clock.advance(3 * HOUR);

      expect(await ctx.sut.sweepExpired()).toBe(250);
    });
  });
});

import { status } from '@grpc/grpc-js';
import { billingV1, checkGrpcHealth, qualifiedServiceName } from '@ocr/proto';
import { createTestDatabase } from '@ocr/testing';
import { randomUUID } from 'node:crypto';
import { call, grpcCode, ledgerMismatches, type RunningBilling, startBillingOn, startTestBilling } from '../test/billing-app';

const { Plan, Tier } = billingV1;

async function paidAccount(sut: RunningBilling, credits: number) {
  return call(sut.billing.createAccount({ email: `${randomUUID()}@example.test`, plan: Plan.PLAN_PAID, initial_credits: credits }));
}

function reserve(sut: RunningBilling, req: Partial<billingV1.ReserveRequest>) {
  return call(
    sut.billing.reserve({ job_id: randomUUID(), account_id: '', client_ip: '', tier: Tier.TIER_CPU, pages: 1, ...req }),
  );
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('billing over gRPC on Postgres', () => {
  let sut: RunningBilling;

  beforeAll(async () => {
    sut = await startTestBilling({ BILLING_ANON_DAILY_PAGES: '50' });
  });

  afterEach(async () => {
    expect(await ledgerMismatches(sut.db)).toEqual([]);
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('reports SERVING on the standard gRPC health service', async () => {
    expect(await checkGrpcHealth(sut.url, qualifiedServiceName('billing'))).toBe('SERVING');
    expect(await checkGrpcHealth(sut.url)).toBe('SERVING');
  });

  it('runs a job from account to settlement: create → authenticate → reserve → settle → balance', async () => {
    const created = await paidAccount(sut, 20);
    const who = await call(sut.billing.authenticate({ token: created.token }));
    expect(who.account).toEqual(expect.objectContaining({ id: created.account!.id, plan: Plan.PLAN_PAID, balance: 20, priority: 0 }));

    const jobId = randomUUID();
    const held = await reserve(sut, { job_id: jobId, account_id: who.account!.id, tier: Tier.TIER_VLM, pages: 3 });
    expect(held).toEqual(expect.objectContaining({ accepted: true, credits: 15, used: 15, cap: 20, max_pages_per_file: 2000 }));
    expect((await call(sut.billing.getAccount({ account_id: created.account!.id }))).account!.balance).toBe(5);

    const settled = await call(sut.billing.settle({ job_id: jobId, pages_succeeded: 2, pages_failed: 1 }));
    expect(settled).toEqual({ charged: 10, refunded: 5 });
    expect(await call(sut.billing.settle({ job_id: jobId, pages_succeeded: 2, pages_failed: 1 }))).toEqual(settled);

    const after = await call(sut.billing.getAccount({ account_id: created.account!.id }));
    expect(after.account).toEqual(expect.objectContaining({ balance: 10, used_this_period: 10 }));
    const ledger = await sut.db.query('SELECT kind, amount::int FROM billing.ledger WHERE account_id = $1 ORDER BY id', [
      created.account!.id,
    ]);
    expect(ledger.rows).toEqual([
      { kind: 'purchase', amount: 20 },
      { kind: 'reserve', amount: -15 },
      { kind: 'refund', amount: 5 },
    ]);
  });

  it('stores tokens only as SHA-256 hashes', async () => {
    const created = await paidAccount(sut, 0);
    const { rows } = await sut.db.query("SELECT encode(hash, 'hex') AS hash FROM billing.tokens WHERE id = $1", [created.token_id]);
    const { createHash } = await import('node:crypto');
    expect(rows[0].hash).toBe(createHash('sha256').update(created.token).digest('hex'));
  });

  it('answers UNAUTHENTICATED for a revoked or unknown token', async () => {
    const created = await paidAccount(sut, 1);
    const revoked = await call(sut.billing.revokeToken({ account_id: created.account!.id, token_id: created.token_id }));
    expect(revoked.revoked).toBe(true);

    expect((await grpcCode(sut.billing.authenticate({ token: created.token }))).code).toBe(status.UNAUTHENTICATED);
    expect((await grpcCode(sut.billing.authenticate({ token: `ocr_${'A'.repeat(43)}` }))).code).toBe(status.UNAUTHENTICATED);
    const fresh = await call(sut.billing.issueToken({ account_id: created.account!.id, label: 'ci' }));
    expect((await call(sut.billing.authenticate({ token: fresh.token }))).account!.id).toBe(created.account!.id);
  });

  it('answers ALREADY_EXISTS for a second account with the same e-mail', async () => {
    const email = `${randomUUID()}@Example.test`;
    await call(sut.billing.createAccount({ email, plan: Plan.PLAN_FREE, initial_credits: 0 }));
    const second = await grpcCode(sut.billing.createAccount({ email: email.toLowerCase(), plan: Plan.PLAN_FREE, initial_credits: 0 }));
    expect(second.code).toBe(status.ALREADY_EXISTS);
  });

  it.each([
    ['pages 0', { pages: 0, client_ip: '192.0.2.1' }],
    ['pages -3', { pages: -3, client_ip: '192.0.2.1' }],
    ['no job id', { job_id: '', client_ip: '192.0.2.1' }],
    ['an account id that is not a uuid', { account_id: 'acct-1' }],
    ['an anonymous caller without an IP', {}],
    ['a client IP that is not an IP', { client_ip: 'localhost' }],
  ])('answers INVALID_ARGUMENT for a Reserve with %s', async (_what, req) => {
    const error = await grpcCode(
      sut.billing.reserve({ job_id: randomUUID(), account_id: '', client_ip: '', tier: Tier.TIER_CPU, pages: 1, ...req }),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).not.toBe('');
  });

  it('answers NOT_FOUND for an unknown account or job', async () => {
    const ghost = randomUUID();
    expect((await grpcCode(sut.billing.reserve({ job_id: 'j', account_id: ghost, client_ip: '', tier: Tier.TIER_CPU, pages: 1 }))).code).toBe(
      status.NOT_FOUND,
    );
    expect((await grpcCode(sut.billing.getAccount({ account_id: ghost }))).code).toBe(status.NOT_FOUND);
    expect((await grpcCode(sut.billing.settle({ job_id: randomUUID(), pages_succeeded: 1, pages_failed: 0 }))).code).toBe(
      status.NOT_FOUND,
    );
  });

  it('refuses a file over the plan’s page cap with INVALID_ARGUMENT', async () => {
    const error = await grpcCode(
      sut.billing.reserve({ job_id: randomUUID(), account_id: '', client_ip: '192.0.2.9', tier: Tier.TIER_CPU, pages: 6 }),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toMatch(/at most 5 pages per file/);
  });

  it('moves a free account to paid and uses its purchased credits', async () => {
    const created = await call(
      sut.billing.createAccount({ email: `${randomUUID()}@example.test`, plan: Plan.PLAN_UNSPECIFIED, initial_credits: 0 }),
    );
    expect(created.account).toEqual(expect.objectContaining({ plan: Plan.PLAN_FREE, period_cap: 100, priority: 1 }));
    const id = created.account!.id;
    expect(await call(sut.billing.addCredits({ account_id: id, credits: 7, reason: 'order 1' }))).toEqual({ balance: 7 });
    const moved = await call(sut.billing.setPlan({ account_id: id, plan: Plan.PLAN_PAID }));
    expect(moved.account).toEqual(expect.objectContaining({ plan: Plan.PLAN_PAID, balance: 7, period_cap: 0, priority: 0 }));

    expect((await reserve(sut, { account_id: id, pages: 7 })).accepted).toBe(true);
    const refused = await reserve(sut, { account_id: id, pages: 1 });
    expect(refused).toEqual(expect.objectContaining({ accepted: false, used: 7, cap: 7 }));
  });

  it('never overspends: 200 concurrent 1-page Reserves on 50 credits → 50 accepted, 150 refused, balance 0', async () => {
    const created = await paidAccount(sut, 50);
    const id = created.account!.id;

    const results = await Promise.all(Array.from({ length: 200 }, () => reserve(sut, { account_id: id })));

    expect(results.filter((r) => r.accepted)).toHaveLength(50);
    const refused = results.filter((r) => !r.accepted);
    expect(refused).toHaveLength(150);
    expect(refused.every((r) => r.used === 50 && r.cap === 50 && r.reason !== '')).toBe(true);
    expect((await call(sut.billing.getAccount({ account_id: id }))).account!.balance).toBe(0);
    const { rows } = await sut.db.query('SELECT count(*)::int AS n FROM billing.reservations WHERE account_id = $1', [id]);
    expect(rows[0].n).toBe(50);
  });

  it('never overspends an anonymous IP’s daily bucket: 200 concurrent Reserves on an allowance of 50', async () => {
    const ip = '198.51.100.23';

    const results = await Promise.all(Array.from({ length: 200 }, () => reserve(sut, { client_ip: ip })));

    expect(results.filter((r) => r.accepted)).toHaveLength(50);
    expect(results.filter((r) => !r.accepted)).toHaveLength(150);
    const { rows } = await sut.db.query("SELECT used::int FROM billing.buckets WHERE kind = 'anonymous' AND client_ip = $1", [ip]);
    expect(rows).toEqual([{ used: 50 }]);
    expect((await reserve(sut, { client_ip: '::ffff:198.51.100.23' })).accepted).toBe(false);
  });

  it('answers concurrent Reserves for one job once, taking credits once', async () => {
    const created = await paidAccount(sut, 10);
    const jobId = randomUUID();

    const results = await Promise.all(
      Array.from({ length: 20 }, () => reserve(sut, { job_id: jobId, account_id: created.account!.id, pages: 4 })),
    );

    expect(new Set(results.map((r) => r.reservation_id)).size).toBe(1);
    expect(results.every((r) => r.accepted)).toBe(true);
    expect((await call(sut.billing.getAccount({ account_id: created.account!.id }))).account!.balance).toBe(6);
  });

  it('refuses to update or delete ledger rows', async () => {
    await expect(sut.db.query('UPDATE billing.ledger SET amount = amount + 1')).rejects.toThrow(/append-only/);
    await expect(sut.db.query('DELETE FROM billing.ledger')).rejects.toThrow(/append-only/);
  });
});

describe('billing expiry sweeper', () => {
  let sut: RunningBilling;

  beforeAll(async () => {
    sut = await startTestBilling({ BILLING_RESERVATION_TTL: '1s', BILLING_SWEEP_INTERVAL: '200ms' });
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('refunds a reservation whose job never settled, and a late Settle charges nothing', async () => {
    const created = await paidAccount(sut, 5);
    const id = created.account!.id;
    const jobId = randomUUID();
    expect((await reserve(sut, { job_id: jobId, account_id: id, pages: 5 })).accepted).toBe(true);
    expect((await call(sut.billing.getAccount({ account_id: id }))).account!.balance).toBe(0);

    await waitUntil(async () => (await call(sut.billing.getAccount({ account_id: id }))).account!.balance === 5, 'the expiry refund');

    expect(await call(sut.billing.settle({ job_id: jobId, pages_succeeded: 5, pages_failed: 0 }))).toEqual({ charged: 0, refunded: 5 });
    const { rows } = await sut.db.query("SELECT kind, amount::int FROM billing.ledger WHERE job_id = $1 ORDER BY id", [jobId]);
    expect(rows).toEqual([
      { kind: 'reserve', amount: -5 },
      { kind: 'expiry_refund', amount: 5 },
    ]);
    expect(await ledgerMismatches(sut.db)).toEqual([]);
  });
});

describe('billing boot and health', () => {
  it('lets two replicas boot together on a fresh database, migrating once into the billing schema', async () => {
    const database = await createTestDatabase('billing');
    const [first, second] = await Promise.all([startBillingOn(database.url), startBillingOn(database.url)]);
    try {
      const { rows } = await first.db.query('SELECT name FROM billing.migrations');
      expect(rows.map((r) => r.name)).toEqual(['CreateBillingSchema1764300000000']);
      expect(await checkGrpcHealth(first.url, qualifiedServiceName('billing'))).toBe('SERVING');
      expect(await checkGrpcHealth(second.url, qualifiedServiceName('billing'))).toBe('SERVING');
    } finally {
      await second.close();
      await first.close();
      await database.drop();
    }
  });

  it('reports NOT_SERVING once its database is gone', async () => {
    const sut = await startTestBilling({ BILLING_HEALTH_INTERVAL: '200ms' });
    try {
      expect(await checkGrpcHealth(sut.url, qualifiedServiceName('billing'))).toBe('SERVING');
      await sut.db.end();
      await sut.database.drop();

      await waitUntil(async () => (await checkGrpcHealth(sut.url, qualifiedServiceName('billing'))) === 'NOT_SERVING', 'NOT_SERVING');
    } finally {
      await sut.app.close();
    }
  });
});

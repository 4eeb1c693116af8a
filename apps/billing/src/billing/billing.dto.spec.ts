import { billingV1 } from '@ocr/proto';
import { BillingError } from './billing.error';
import { normalizeIp, parseAddCredits, parseCreateAccount, parseReserve, parseSetPlan, parseSettle } from './billing.dto';

const { Plan, Tier } = billingV1;

function invalid(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof BillingError && error.code === 'INVALID_ARGUMENT') return error.message;
    throw error;
  }
  throw new Error('expected INVALID_ARGUMENT');
}

const reserve = (over: Partial<billingV1.ReserveRequest>): billingV1.ReserveRequest => ({
  job_id: 'job-1',
  account_id: '',
  client_ip: '203.0.113.7',
  tier: Tier.TIER_CPU,
  pages: 1,
  ...over,
});

describe('billing request validation', () => {
  it('reads a Reserve request into a command, treating TIER_UNSPECIFIED as cpu', () => {
    expect(parseReserve(reserve({ tier: Tier.TIER_UNSPECIFIED, pages: 3 }))).toEqual({
      jobId: 'job-1',
      accountId: null,
      clientIp: '203.0.113.7',
      tier: 'cpu',
      pages: 3,
    });
    expect(parseReserve(reserve({ tier: Tier.TIER_VLM })).tier).toBe('vlm');
  });

  it.each([
    [{ pages: 0 }, /pages must be an integer from 1/],
    [{ pages: 1.5 }, /pages/],
    [{ job_id: '  ' }, /job_id is required/],
    [{ job_id: 'x'.repeat(201) }, /at most 200/],
    [{ account_id: 'not-a-uuid' }, /account_id must be a uuid/],
    [{ client_ip: '999.1.1.1' }, /client_ip must be an IPv4 or IPv6 address/],
    [{ tier: Tier.UNRECOGNIZED }, /tier must be/],
  ])('rejects a Reserve with %j', (over, message) => {
    expect(invalid(() => parseReserve(reserve(over)))).toMatch(message);
  });

  it('normalises IP addresses so one client has one bucket', () => {
    expect(normalizeIp('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(normalizeIp('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(normalizeIp('[2001:db8::1]')).toBe('2001:db8::1');
    expect(normalizeIp('example.com')).toBeNull();
  });

  it('reads CreateAccount: e-mail lower-cased, PLAN_UNSPECIFIED as free, anonymous refused', () => {
    expect(parseCreateAccount({ email: ' A@B ', plan: Plan.PLAN_UNSPECIFIED, initial_credits: 0 })).toEqual({
      email: 'a@b',
      plan: 'free',
      credits: 0,
    });
    expect(invalid(() => parseCreateAccount({ email: 'a@b', plan: Plan.PLAN_ANONYMOUS, initial_credits: 0 }))).toMatch(/plan/);
    expect(invalid(() => parseCreateAccount({ email: 'nobody', plan: Plan.PLAN_FREE, initial_credits: 0 }))).toMatch(/e-mail/);
    expect(invalid(() => parseCreateAccount({ email: 'a@b', plan: Plan.PLAN_PAID, initial_credits: -1 }))).toMatch(/initial_credits/);
  });

  it('rejects SetPlan without a plan, AddCredits of nothing and negative Settle counts', () => {
    const id = '3f0c3e1e-0000-4000-8000-000000000000';
    expect(invalid(() => parseSetPlan({ account_id: id, plan: Plan.PLAN_UNSPECIFIED }))).toMatch(/plan/);
    expect(invalid(() => parseAddCredits({ account_id: id, credits: 0, reason: '' }))).toMatch(/credits/);
    expect(parseAddCredits({ account_id: id, credits: 5, reason: '' }).reason).toBe('credits added');
    expect(invalid(() => parseSettle({ job_id: 'j', pages_succeeded: -1, pages_failed: 0 }))).toMatch(/pages_succeeded/);
  });
});

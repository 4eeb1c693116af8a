import type { Tier } from '@ocr/documents';
import { billingV1 } from '@ocr/proto';
import type { BillingRepository, Caller, Reservation } from '../src/billing/billing.repository';
import { DomainError } from '../src/common/domain-error';

type BillingPort = Pick<BillingRepository, 'authenticate' | 'reserve' | 'settle'>;

/** Billing as the gateway sees it: known tokens, an answer for the next reservations, and a log of settlements. */
export class FakeBillingRepository implements BillingPort {
  readonly tokens = new Map<string, billingV1.Account>();
  readonly reservations: { jobId: string; caller: Caller; tier: Tier; pages: number }[] = [];
  readonly settlements: { jobId: string; succeeded: number; failed: number }[] = [];
  /** Overrides the accepting answer of `reserve` (e.g. `{ accepted: false, used: 10, cap: 10 }`). */
  answer: Partial<Reservation> = {};
  /** Makes the next `settle` calls fail (billing unreachable), one per entry. */
  readonly settleFailures: Error[] = [];

  async authenticate(token: string): Promise<billingV1.Account> {
    const account = this.tokens.get(token);
    if (!account) throw new DomainError('unauthorized', 'Invalid API token.');
    return account;
  }

  async reserve(jobId: string, caller: Caller, tier: Tier, pages: number): Promise<Reservation> {
    this.reservations.push({ jobId, caller, tier, pages });
    return {
      accepted: true,
      credits: pages * (tier === 'vlm' ? 5 : 1),
      used: 0,
      cap: 0,
      reason: '',
      priority: caller.account?.priority ?? 2,
      maxPagesPerFile: caller.account?.max_pages_per_file ?? 0,
      ...this.answer,
    };
  }

  async settle(jobId: string, pagesSucceeded: number, pagesFailed: number): Promise<void> {
    const failure = this.settleFailures.shift();
    if (failure) throw failure;
    this.settlements.push({ jobId, succeeded: pagesSucceeded, failed: pagesFailed });
  }
}

/** An account as billing's Authenticate returns it. */
export function account(overrides: Partial<billingV1.Account> = {}): billingV1.Account {
  return {
    id: '6f1c2b7e-0000-4000-8000-000000000001',
    email: 'reader@example.com',
    plan: billingV1.Plan.PLAN_FREE,
    balance: 0,
    used_this_period: 0,
    period_cap: 100,
    max_pages_per_file: 50,
    priority: 1,
    created_at: '2026-11-01T00:00:00Z',
    ...overrides,
  };
}

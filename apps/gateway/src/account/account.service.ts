import { Injectable } from '@nestjs/common';
import { billingV1 } from '@ocr/proto';
import type { Caller } from '../billing/billing.repository';
import { DomainError } from '../common/domain-error';

export interface AccountDto {
  id: string;
  email: string;
  plan: 'anonymous' | 'free' | 'paid';
  balance: number;
  used_this_period: number;
  period_cap: number;
  max_pages_per_file: number;
  created_at: string;
}

const PLANS: Record<string, AccountDto['plan']> = {
  [billingV1.Plan.PLAN_ANONYMOUS]: 'anonymous',
  [billingV1.Plan.PLAN_FREE]: 'free',
  [billingV1.Plan.PLAN_PAID]: 'paid',
};

/** What a user sees of their account: plan, balance, usage this period and its cap. */
@Injectable()
export class AccountService {
  describe(caller: Caller): AccountDto {
    const a = caller.account;
    if (!a) throw new DomainError('unauthorized', 'An API token is required to see an account.');
    return {
      id: a.id,
      email: a.email,
      plan: PLANS[a.plan] ?? 'free',
      balance: a.balance,
      used_this_period: a.used_this_period,
      period_cap: a.period_cap,
      max_pages_per_file: a.max_pages_per_file,
      created_at: a.created_at,
    };
  }
}

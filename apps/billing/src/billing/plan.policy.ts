import type { BillingConfig } from '../config/billing.config';
import type { BucketSpec, CallerPlan, TierName } from './billing.types';

/** The limits and bucket of one caller, derived from config and the clock. Pure. */
export interface PlanTerms {
  plan: CallerPlan;
  /** The bucket this caller's usage is counted in for the current period. */
  bucket: BucketSpec;
  /** The bucket's cap in credits; null when the bucket only counts (paid plans spend their balance). */
  bucketCap: number | null;
  maxPagesPerFile: number;
  priority: number;
}

type PolicyConfig = Pick<
  BillingConfig,
  | 'BILLING_COST_CPU'
  | 'BILLING_COST_VLM'
  | 'BILLING_ANON_DAILY_PAGES'
  | 'BILLING_FREE_MONTHLY_PAGES'
  | 'BILLING_MAX_PAGES_ANONYMOUS'
  | 'BILLING_MAX_PAGES_FREE'
  | 'BILLING_MAX_PAGES_PAID'
  | 'BILLING_PRIORITY_ANONYMOUS'
  | 'BILLING_PRIORITY_FREE'
  | 'BILLING_PRIORITY_PAID'
>;

export function costPerPage(config: PolicyConfig, tier: TierName): number {
  return tier === 'vlm' ? config.BILLING_COST_VLM : config.BILLING_COST_CPU;
}

/** `YYYY-MM-DD` of the UTC day. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** `YYYY-MM-01` of the UTC month. */
export function utcMonthStart(now: Date): string {
  return `${now.toISOString().slice(0, 7)}-01`;
}

export function anonymousTerms(config: PolicyConfig, clientIp: string, now: Date): PlanTerms {
  const day = utcDay(now);
  return {
    plan: 'anonymous',
    bucket: { key: `anon:${clientIp}:${day}`, kind: 'anonymous', accountId: null, clientIp, periodStart: day },
    bucketCap: config.BILLING_ANON_DAILY_PAGES,
    maxPagesPerFile: config.BILLING_MAX_PAGES_ANONYMOUS,
    priority: config.BILLING_PRIORITY_ANONYMOUS,
  };
}

export function accountTerms(config: PolicyConfig, account: { id: string; plan: 'free' | 'paid' }, now: Date): PlanTerms {
  const month = utcMonthStart(now);
  const bucket: BucketSpec = {
    key: `${account.plan}:${account.id}:${month.slice(0, 7)}`,
    kind: account.plan,
    accountId: account.id,
    clientIp: null,
    periodStart: month,
  };
  if (account.plan === 'paid') {
    return {
      plan: 'paid',
      bucket,
      bucketCap: null,
      maxPagesPerFile: config.BILLING_MAX_PAGES_PAID,
      priority: config.BILLING_PRIORITY_PAID,
    };
  }
  return {
    plan: 'free',
    bucket,
    bucketCap: config.BILLING_FREE_MONTHLY_PAGES,
    maxPagesPerFile: config.BILLING_MAX_PAGES_FREE,
    priority: config.BILLING_PRIORITY_FREE,
  };
}

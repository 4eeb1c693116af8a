import { billingV1 } from '@ocr/proto';
import { isIP } from 'node:net';
import { BillingError } from './billing.error';
import type { AccountView, ReserveCommand, ReserveResult, SettleCommand, SettleResult } from './billing.service';
import type { AccountPlan, TierName } from './billing.types';

/**
 * Validation of every gRPC request where it enters (typed INVALID_ARGUMENT errors with a clear
 * message) and pure mappers from the service's results to the generated response types.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const MAX_CREDITS = 1_000_000_000_000;
const MAX_PAGES = 1_000_000;

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function requireUuid(value: unknown, field: string): string {
  const id = text(value);
  if (!id) throw BillingError.invalid(`${field} is required.`);
  if (!UUID.test(id)) throw BillingError.invalid(`${field} must be a uuid, got ${JSON.stringify(id.slice(0, 60))}.`);
  return id.toLowerCase();
}

function requireInt(value: unknown, field: string, min: number, max: number): number {
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || n > max) {
    throw BillingError.invalid(`${field} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}.`);
  }
  return n;
}

function optionalText(value: unknown, field: string, max: number): string {
  const t = text(value);
  if (t.length > max) throw BillingError.invalid(`${field} must be at most ${max} characters.`);
  return t;
}

/** Canonical form of an IP address (IPv4-mapped IPv6 as IPv4, IPv6 lower-case and compressed). */
export function normalizeIp(value: string): string | null {
  let ip = value.trim();
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) ip = mapped[1]!;
  const family = isIP(ip);
  if (family === 4) return ip;
  if (family === 6) return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  return null;
}

function parseTier(value: unknown): TierName {
  if (value === billingV1.Tier.TIER_UNSPECIFIED || value === billingV1.Tier.TIER_CPU || value === 0 || value === 1) return 'cpu';
  if (value === billingV1.Tier.TIER_VLM || value === 2) return 'vlm';
  throw BillingError.invalid(`tier must be TIER_CPU or TIER_VLM, got ${JSON.stringify(value)}.`);
}

function parsePlan(value: unknown, unspecified: AccountPlan | null): AccountPlan {
  if (value === billingV1.Plan.PLAN_FREE || value === 2) return 'free';
  if (value === billingV1.Plan.PLAN_PAID || value === 3) return 'paid';
  if ((value === billingV1.Plan.PLAN_UNSPECIFIED || value === 0 || value === undefined) && unspecified) return unspecified;
  throw BillingError.invalid(`plan must be PLAN_FREE or PLAN_PAID, got ${JSON.stringify(value)}.`);
}

export function parseAuthenticate(req: billingV1.AuthenticateRequest): string {
  // No trim: a token is compared exactly as sent. Malformed tokens are UNAUTHENTICATED in the service.
  return typeof req?.token === 'string' ? req.token : '';
}

export function parseReserve(req: billingV1.ReserveRequest): ReserveCommand {
  const jobId = text(req.job_id);
  if (!jobId) throw BillingError.invalid('job_id is required.');
  if (jobId.length > 200) throw BillingError.invalid('job_id must be at most 200 characters.');
  const accountId = text(req.account_id) ? requireUuid(req.account_id, 'account_id') : null;
  let clientIp: string | null = null;
  if (text(req.client_ip)) {
    clientIp = normalizeIp(text(req.client_ip));
    if (!clientIp) throw BillingError.invalid(`client_ip must be an IPv4 or IPv6 address, got ${JSON.stringify(text(req.client_ip).slice(0, 60))}.`);
  }
  return {
    jobId,
    accountId,
    clientIp,
    tier: parseTier(req.tier),
    pages: requireInt(req.pages, 'pages', 1, MAX_PAGES),
  };
}

export function parseSettle(req: billingV1.SettleRequest): SettleCommand {
  const jobId = text(req.job_id);
  if (!jobId) throw BillingError.invalid('job_id is required.');
  return {
    jobId,
    pagesSucceeded: requireInt(req.pages_succeeded ?? 0, 'pages_succeeded', 0, MAX_PAGES),
    pagesFailed: requireInt(req.pages_failed ?? 0, 'pages_failed', 0, MAX_PAGES),
  };
}

export function parseCreateAccount(req: billingV1.CreateAccountRequest): { email: string; plan: AccountPlan; credits: number } {
  const email = text(req.email).toLowerCase();
  if (!email) throw BillingError.invalid('email is required.');
  if (email.length > 254 || !EMAIL.test(email)) throw BillingError.invalid(`email is not an e-mail address: ${JSON.stringify(email.slice(0, 60))}.`);
  return {
    email,
    plan: parsePlan(req.plan, 'free'),
    credits: requireInt(req.initial_credits ?? 0, 'initial_credits', 0, MAX_CREDITS),
  };
}

export function parseIssueToken(req: billingV1.IssueTokenRequest): { accountId: string; label: string } {
  return { accountId: requireUuid(req.account_id, 'account_id'), label: optionalText(req.label, 'label', 100) };
}

export function parseRevokeToken(req: billingV1.RevokeTokenRequest): { accountId: string; tokenId: string } {
  return { accountId: requireUuid(req.account_id, 'account_id'), tokenId: requireUuid(req.token_id, 'token_id') };
}

export function parseGetAccount(req: billingV1.GetAccountRequest): string {
  return requireUuid(req.account_id, 'account_id');
}

export function parseAddCredits(req: billingV1.AddCreditsRequest): { accountId: string; credits: number; reason: string } {
  return {
    accountId: requireUuid(req.account_id, 'account_id'),
    credits: requireInt(req.credits, 'credits', 1, MAX_CREDITS),
    reason: optionalText(req.reason, 'reason', 200) || 'credits added',
  };
}

export function parseSetPlan(req: billingV1.SetPlanRequest): { accountId: string; plan: AccountPlan } {
  return { accountId: requireUuid(req.account_id, 'account_id'), plan: parsePlan(req.plan, null) };
}

const PLANS: Record<AccountPlan, billingV1.Plan> = { free: billingV1.Plan.PLAN_FREE, paid: billingV1.Plan.PLAN_PAID };

export function mapAccount(view: AccountView): billingV1.Account {
  return {
    id: view.account.id,
    email: view.account.email,
    plan: PLANS[view.account.plan],
    balance: view.account.balance,
    used_this_period: view.usedThisPeriod,
    period_cap: view.terms.bucketCap ?? 0,
    max_pages_per_file: view.terms.maxPagesPerFile,
    priority: view.terms.priority,
    created_at: view.account.createdAt.toISOString(),
  };
}

export function mapReserve(r: ReserveResult): billingV1.ReserveResponse {
  return {
    accepted: r.accepted,
    reservation_id: r.reservationId,
    credits: r.credits,
    used: r.used,
    cap: r.cap,
    reason: r.reason,
    priority: r.priority,
    max_pages_per_file: r.maxPagesPerFile,
  };
}

export function mapSettle(r: SettleResult): billingV1.SettleResponse {
  return { charged: r.charged, refunded: r.refunded };
}

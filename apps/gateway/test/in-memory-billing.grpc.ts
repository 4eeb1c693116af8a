import { Metadata, status } from '@grpc/grpc-js';
import type { ClientGrpc } from '@nestjs/microservices';
import { billingV1 } from '@ocr/proto';
import { randomBytes, randomUUID } from 'node:crypto';
import { defer, Observable } from 'rxjs';

/**
 * The billing gRPC service as the gateway's `BillingRepository` sees it through a `ClientGrpc`,
 * kept in memory: the answers and status codes that apps/billing documents (UNAUTHENTICATED for
 * unknown or revoked tokens, ALREADY_EXISTS for a used e-mail, NOT_FOUND for another account's
 * token, INVALID_ARGUMENT over the per-file page cap, `accepted=false` with `used`/`cap` when out
 * of credits). The real service, on Postgres, is driven by test/e2e/billing.e2e-spec.ts.
 */
export class InMemoryBillingGrpc {
  readonly accounts = new Map<string, billingV1.Account>();
  readonly tokens = new Map<string, { id: string; accountId: string; label: string; revoked: boolean }>();
  readonly anonymousUsed = new Map<string, number>();
  readonly settled: billingV1.SettleRequest[] = [];
  /** Status codes to fail the next calls with (e.g. `status.UNAVAILABLE`), one per entry. */
  readonly failures: number[] = [];

  constructor(readonly terms = { anonymousDaily: 10, freeMonthly: 100, maxPagesAnonymous: 5, maxPagesFree: 50, maxPagesPaid: 2000 }) {}

  /** The `ClientGrpc` to provide as `BILLING_CLIENT`. */
  client(): ClientGrpc {
    const service: billingV1.BillingServiceClient = {
      authenticate: (r) => this.answer(() => this.authenticate(r)),
      reserve: (r) => this.answer(() => this.reserve(r)),
      settle: (r) => this.answer(() => this.settle(r)),
      createAccount: (r) => this.answer(() => this.createAccount(r)),
      issueToken: (r) => this.answer(() => this.issueToken(r)),
      revokeToken: (r) => this.answer(() => this.revokeToken(r)),
      getAccount: (r) => this.answer(() => ({ account: this.account(r.account_id) })),
      addCredits: (r) => this.answer(() => this.addCredits(r)),
      setPlan: () => this.answer((): billingV1.SetPlanResponse => {
        throw grpcError(status.UNIMPLEMENTED, 'not in the fake');
      }),
    };
    return { getService: () => service, getClientByServiceName: () => service } as unknown as ClientGrpc;
  }

  private answer<T>(fn: () => T): Observable<T> {
    return defer(async () => {
      const failure = this.failures.shift();
      if (failure !== undefined) throw grpcError(failure, 'injected failure');
      return fn();
    });
  }

  private authenticate(r: billingV1.AuthenticateRequest): billingV1.AuthenticateResponse {
    const t = this.tokens.get(r.token);
    if (!t) throw grpcError(status.UNAUTHENTICATED, 'Invalid API token.');
    if (t.revoked) throw grpcError(status.UNAUTHENTICATED, 'This API token has been revoked.');
    return { account: { ...this.account(t.accountId) } };
  }

  private reserve(r: billingV1.ReserveRequest): billingV1.ReserveResponse {
    const refused = { accepted: false, reservation_id: '', credits: 0, priority: 0 };
    const credits = r.pages * (r.tier === billingV1.Tier.TIER_VLM ? 5 : 1);
    if (!r.account_id) {
      if (this.terms.anonymousDaily === 0) throw grpcError(status.UNAUTHENTICATED, 'Anonymous use is disabled on this server: send an API token.');
      this.checkPageCap(r.pages, 'anonymous', this.terms.maxPagesAnonymous);
      const used = this.anonymousUsed.get(r.client_ip) ?? 0;
      const cap = this.terms.anonymousDaily;
      const base = { used, cap, max_pages_per_file: this.terms.maxPagesAnonymous };
      if (used + credits > cap) return { ...refused, ...base, priority: 2, reason: `The daily allowance of ${cap} pages is used up.` };
      this.anonymousUsed.set(r.client_ip, used + credits);
      return { ...base, used: used + credits, accepted: true, reservation_id: randomUUID(), credits, reason: '', priority: 2 };
    }
    const a = this.account(r.account_id);
    this.checkPageCap(r.pages, a.plan === billingV1.Plan.PLAN_PAID ? 'paid' : 'free', a.max_pages_per_file);
    if (a.plan === billingV1.Plan.PLAN_PAID) {
      const base = { max_pages_per_file: a.max_pages_per_file, priority: 0 };
      if (a.balance < credits) {
        return { ...refused, ...base, used: a.used_this_period, cap: a.balance + a.used_this_period, reason: 'Not enough credits.' };
      }
      a.balance -= credits;
      a.used_this_period += credits;
      return { ...base, accepted: true, reservation_id: randomUUID(), credits, used: a.used_this_period, cap: a.balance + a.used_this_period, reason: '' };
    }
    const base = { max_pages_per_file: a.max_pages_per_file, priority: 1, cap: a.period_cap };
    if (a.used_this_period + credits > a.period_cap) {
      return { ...refused, ...base, used: a.used_this_period, reason: `The monthly allowance of ${a.period_cap} pages is used up.` };
    }
    a.used_this_period += credits;
    return { ...base, accepted: true, reservation_id: randomUUID(), credits, used: a.used_this_period, reason: '' };
  }

  private checkPageCap(pages: number, plan: string, max: number): void {
    if (pages > max) throw grpcError(status.INVALID_ARGUMENT, `The file has ${pages} pages; the ${plan} plan allows at most ${max} pages per file.`);
  }

  private settle(r: billingV1.SettleRequest): billingV1.SettleResponse {
    this.settled.push(r);
    return { charged: r.pages_succeeded, refunded: r.pages_failed };
  }

  private createAccount(r: billingV1.CreateAccountRequest): billingV1.CreateAccountResponse {
    const email = r.email.trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw grpcError(status.INVALID_ARGUMENT, `email is not an e-mail address: ${JSON.stringify(email)}.`);
    if ([...this.accounts.values()].some((a) => a.email === email)) {
      throw grpcError(status.ALREADY_EXISTS, `An account with e-mail ${email} already exists.`);
    }
    const paid = r.plan === billingV1.Plan.PLAN_PAID;
    const account: billingV1.Account = {
      id: randomUUID(),
      email,
      plan: paid ? billingV1.Plan.PLAN_PAID : billingV1.Plan.PLAN_FREE,
      balance: r.initial_credits,
      used_this_period: 0,
      period_cap: paid ? 0 : this.terms.freeMonthly,
      max_pages_per_file: paid ? this.terms.maxPagesPaid : this.terms.maxPagesFree,
      priority: paid ? 0 : 1,
      created_at: new Date().toISOString(),
    };
    this.accounts.set(account.id, account);
    const issued = this.issueToken({ account_id: account.id, label: 'default' });
    return { account: { ...account }, ...issued };
  }

  private issueToken(r: billingV1.IssueTokenRequest): billingV1.IssueTokenResponse {
    this.account(r.account_id);
    const token = `ocr_${randomBytes(32).toString('base64url')}`;
    const id = randomUUID();
    this.tokens.set(token, { id, accountId: r.account_id, label: r.label, revoked: false });
    return { token, token_id: id };
  }

  private revokeToken(r: billingV1.RevokeTokenRequest): billingV1.RevokeTokenResponse {
    const t = [...this.tokens.values()].find((x) => x.id === r.token_id && x.accountId === r.account_id);
    if (!t) throw grpcError(status.NOT_FOUND, `Account ${r.account_id} has no token ${r.token_id}.`);
    const revoked = !t.revoked;
    t.revoked = true;
    return { revoked };
  }

  private addCredits(r: billingV1.AddCreditsRequest): billingV1.AddCreditsResponse {
    const a = this.account(r.account_id);
    a.balance += r.credits;
    return { balance: a.balance };
  }

  private account(id: string): billingV1.Account {
    const a = this.accounts.get(id);
    if (!a) throw grpcError(status.NOT_FOUND, `No account ${id}.`);
    return a;
  }
}

/** An error shaped like @grpc/grpc-js's ServiceError. */
export function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata: new Metadata() });
}

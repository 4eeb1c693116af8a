import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { billingV1 } from '@ocr/proto';
import type { Tier } from '@ocr/documents';
import { firstValueFrom, Observable, timeout } from 'rxjs';
import { DomainError } from '../common/domain-error';

export const BILLING_CLIENT = Symbol('BILLING_CLIENT');

/** Who is calling: an account, or an anonymous client identified by IP. */
export interface Caller {
  account: billingV1.Account | null;
  clientIp: string;
}

export interface Reservation {
  accepted: boolean;
  credits: number;
  used: number;
  cap: number;
  reason: string;
  priority: number;
  maxPagesPerFile: number;
}

const TIERS: Record<Tier, billingV1.Tier> = { cpu: billingV1.Tier.TIER_CPU, vlm: billingV1.Tier.TIER_VLM };
const CALL_TIMEOUT_MS = 10_000;

/** The gateway's only door to billing: gRPC calls, their errors mapped to domain errors. */
@Injectable()
export class BillingRepository implements OnModuleInit {
  private service!: billingV1.BillingServiceClient;

  constructor(@Inject(BILLING_CLIENT) private readonly client: ClientGrpc) {}

  onModuleInit(): void {
    this.service = this.client.getService<billingV1.BillingServiceClient>(billingV1.BILLING_SERVICE_NAME);
  }

  async authenticate(token: string): Promise<billingV1.Account> {
    const res = await call(this.service.authenticate({ token }));
    if (!res.account) throw new DomainError('unauthorized', 'Invalid API token.');
    return res.account;
  }

  async reserve(jobId: string, caller: Caller, tier: Tier, pages: number): Promise<Reservation> {
    const res = await call(
      this.service.reserve({
        job_id: jobId,
        account_id: caller.account?.id ?? '',
        client_ip: caller.clientIp,
        tier: TIERS[tier],
        pages,
      }),
      {
        // Billing refuses more pages than the caller's plan allows per file; its message names the limit.
        [GrpcStatus.INVALID_ARGUMENT]: (details) =>
          PAGE_CAP_REFUSAL.test(details)
            ? new DomainError('too_many_pages', details)
            : new DomainError('bad_parameter', details || 'Invalid request.'),
        // A reservation without a token where anonymous use is off (BILLING_ANON_DAILY_PAGES=0).
        [GrpcStatus.UNAUTHENTICATED]: (details) =>
          new DomainError('unauthorized', details || 'An API token is required on this server (anonymous use is off).'),
      },
    );
    return {
      accepted: res.accepted,
      credits: res.credits,
      used: res.used,
      cap: res.cap,
      reason: res.reason,
      priority: res.priority,
      maxPagesPerFile: res.max_pages_per_file,
    };
  }

  async settle(jobId: string, pagesSucceeded: number, pagesFailed: number): Promise<void> {
    await call(this.service.settle({ job_id: jobId, pages_succeeded: pagesSucceeded, pages_failed: pagesFailed }));
  }

  /** Opens an account; an e-mail already in use is `conflict` (409). The response holds the first token, in clear. */
  async createAccount(email: string, plan: billingV1.Plan, credits: number): Promise<billingV1.CreateAccountResponse> {
    return call(this.service.createAccount({ email, plan, initial_credits: credits }), {
      [GrpcStatus.ALREADY_EXISTS]: () => new DomainError('conflict', 'An account with this e-mail address already exists.'),
    });
  }

  /** A new token for an account (in clear, once). An unknown account is `not_found`. */
  async issueToken(accountId: string, label: string): Promise<billingV1.IssueTokenResponse> {
    return call(this.service.issueToken({ account_id: accountId, label }), {
      [GrpcStatus.NOT_FOUND]: () => new DomainError('not_found', 'No such account.'),
    });
  }

  /**
   * Revokes one of the account's tokens at once: true when it was active, false when it already
   * was revoked. A token that is not the account's (or does not exist) is `not_found`.
   */
  async revokeToken(accountId: string, tokenId: string): Promise<boolean> {
    const res = await call(this.service.revokeToken({ account_id: accountId, token_id: tokenId }), {
      [GrpcStatus.NOT_FOUND]: () => new DomainError('not_found', 'No such token.'),
    });
    return res.revoked;
  }

  /** The account as it is now (plan, balance, usage this period). An unknown account is `not_found`. */
  async getAccount(accountId: string): Promise<billingV1.Account> {
    const res = await call(this.service.getAccount({ account_id: accountId }), {
      [GrpcStatus.NOT_FOUND]: () => new DomainError('not_found', 'No such account.'),
    });
    if (!res.account) throw new DomainError('not_found', 'No such account.');
    return res.account;
  }
}

/** Billing's INVALID_ARGUMENT for a file over the plan's per-file page cap ("… allows at most N pages per file."). */
const PAGE_CAP_REFUSAL = /pages per file/i;

/** Per-call translations of gRPC status codes into domain errors (given billing's message). */
type ErrorOverrides = Partial<Record<number, (details: string) => DomainError>>;

/**
 * One gRPC call with a deadline, its failures mapped to domain errors: the call's own overrides
 * first, then UNAUTHENTICATED → 401, UNAVAILABLE/timeouts → 503, INVALID_ARGUMENT → 400,
 * NOT_FOUND → 404, ALREADY_EXISTS → 409. Anything else is rethrown (a 500 with an error id).
 */
async function call<T>(obs: Observable<T>, overrides: ErrorOverrides = {}): Promise<T> {
  try {
    return await firstValueFrom(obs.pipe(timeout(CALL_TIMEOUT_MS)));
  } catch (e) {
    const code = (e as { code?: number }).code;
    const details = (e as { details?: string }).details;
    const override = code === undefined ? undefined : overrides[code];
    if (override) throw override(details ?? '');
    if (code === GrpcStatus.UNAUTHENTICATED) throw new DomainError('unauthorized', 'Invalid or revoked API token.');
    if (code === GrpcStatus.UNAVAILABLE || code === GrpcStatus.DEADLINE_EXCEEDED || (e as Error)?.name === 'TimeoutError') {
      throw new DomainError('unavailable', 'The billing service is not reachable; try again shortly.');
    }
    if (code === GrpcStatus.INVALID_ARGUMENT) throw new DomainError('bad_parameter', details ?? 'Invalid request.');
    if (code === GrpcStatus.NOT_FOUND) throw new DomainError('not_found', details || 'Not found.');
    if (code === GrpcStatus.ALREADY_EXISTS) throw new DomainError('conflict', details || 'Already exists.');
    throw e;
  }
}

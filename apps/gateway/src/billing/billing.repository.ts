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

  async createAccount(email: string, plan: billingV1.Plan, credits: number): Promise<billingV1.CreateAccountResponse> {
    return call(this.service.createAccount({ email, plan, initial_credits: credits }));
  }
}

async function call<T>(obs: Observable<T>): Promise<T> {
  try {
    return await firstValueFrom(obs.pipe(timeout(CALL_TIMEOUT_MS)));
  } catch (e) {
    const code = (e as { code?: number }).code;
    const details = (e as { details?: string }).details;
    if (code === GrpcStatus.UNAUTHENTICATED) throw new DomainError('unauthorized', 'Invalid or revoked API token.');
    if (code === GrpcStatus.UNAVAILABLE || code === GrpcStatus.DEADLINE_EXCEEDED || (e as Error)?.name === 'TimeoutError') {
      throw new DomainError('unavailable', 'The billing service is not reachable; try again shortly.');
    }
    if (code === GrpcStatus.INVALID_ARGUMENT) throw new DomainError('bad_parameter', details ?? 'Invalid request.');
    throw e;
  }
}

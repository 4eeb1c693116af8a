import { Inject, Injectable, Logger } from '@nestjs/common';
import { BILLING_CONFIG, type BillingConfig } from '../config/billing.config';
import { generateToken, hashToken, looksLikeToken, sameHash } from '../tokens/token.codec';
import { BillingError } from './billing.error';
import { BillingRepository, type BillingTx } from './billing.repository';
import type { AccountPlan, AccountRow, LedgerEntry, LedgerKind, ReservationRow, TierName } from './billing.types';
import { Clock } from './clock';
import { accountTerms, anonymousTerms, costPerPage, type PlanTerms } from './plan.policy';

/** An account with the terms of its plan and its usage in the current period. */
export interface AccountView {
  account: AccountRow;
  terms: PlanTerms;
  usedThisPeriod: number;
}

export interface ReserveCommand {
  jobId: string;
  /** null for an anonymous caller. */
  accountId: string | null;
  /** Required for anonymous callers (keys their daily bucket). */
  clientIp: string | null;
  tier: TierName;
  pages: number;
}

export interface ReserveResult {
  accepted: boolean;
  reservationId: string;
  credits: number;
  used: number;
  cap: number;
  reason: string;
  priority: number;
  maxPagesPerFile: number;
}

export interface SettleCommand {
  jobId: string;
  pagesSucceeded: number;
  pagesFailed: number;
}

export interface SettleResult {
  charged: number;
  refunded: number;
}

export interface IssuedToken {
  token: string;
  tokenId: string;
}

/** A token's last-used time is written at most this often, so authentication stays a read. */
const TOUCH_INTERVAL_MS = 60_000;
const SWEEP_BATCH = 100;

/** Rolls a reservation's transaction back when the caller is out of credits. */
class Refusal {
  constructor(
    readonly used: number,
    readonly cap: number,
    readonly reason: string,
  ) {}
}

/** Rolls a reservation's transaction back when its job already has one. */
class DuplicateJob {}

/**
 * Accounts, tokens and metering. Every movement of credits is a ledger row written in the same
 * transaction as the balance or bucket it moves, so balances always equal their ledger sums.
 */
@Injectable()
export class BillingService {
  private readonly logger = new Logger(BillingService.name);

  constructor(
    private readonly repository: BillingRepository,
    private readonly clock: Clock,
    @Inject(BILLING_CONFIG) private readonly config: BillingConfig,
  ) {}

  // ── accounts and tokens ────────────────────────────────────────────────────────────────

  async createAccount(email: string, plan: AccountPlan, initialCredits: number): Promise<AccountView & IssuedToken> {
    return this.repository.transaction(async (tx) => {
      const account = await tx.insertAccount(email, plan);
      if (!account) throw BillingError.alreadyExists(`An account with e-mail ${email} already exists.`);
      if (initialCredits > 0) {
        account.balance = await tx.addBalance(account.id, initialCredits);
        await tx.appendLedger([purchase(account.id, initialCredits, 'initial credits')]);
      }
      const issued = await this.insertToken(tx, account.id, 'default');
      return { ...(await this.view(tx, account)), ...issued };
    });
  }

  async issueToken(accountId: string, label: string): Promise<IssuedToken> {
    return this.repository.transaction(async (tx) => {
      await this.requireAccount(tx, accountId);
      return this.insertToken(tx, accountId, label);
    });
  }

  /** True when the token was active and is now revoked; false when it already was. */
  async revokeToken(accountId: string, tokenId: string): Promise<boolean> {
    return this.repository.transaction(async (tx) => {
      const token = await tx.findToken(accountId, tokenId);
      if (!token) throw BillingError.notFound(`Account ${accountId} has no token ${tokenId}.`);
      return tx.revokeToken(tokenId, this.clock.now());
    });
  }

  async authenticate(token: string): Promise<AccountView> {
    if (!looksLikeToken(token)) throw BillingError.unauthenticated('Invalid API token.');
    const hash = hashToken(token);
    return this.repository.read(async (tx) => {
      const found = await tx.findTokenByHash(hash);
      // The lookup is by hash; the comparison of the stored hash is constant-time all the same.
      if (!found || !sameHash(found.token.hash, hash)) throw BillingError.unauthenticated('Invalid API token.');
      if (found.token.revokedAt) throw BillingError.unauthenticated('This API token has been revoked.');
      const now = this.clock.now();
      if (!found.token.lastUsedAt || now.getTime() - found.token.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) {
        await tx.touchToken(found.token.id, now, new Date(now.getTime() - TOUCH_INTERVAL_MS));
      }
      return this.view(tx, found.account);
    });
  }

  async getAccount(accountId: string): Promise<AccountView> {
    return this.repository.read(async (tx) => this.view(tx, await this.requireAccount(tx, accountId)));
  }

  async addCredits(accountId: string, credits: number, reason: string): Promise<number> {
    return this.repository.transaction(async (tx) => {
      await this.requireAccount(tx, accountId);
      const balance = await tx.addBalance(accountId, credits);
      await tx.appendLedger([purchase(accountId, credits, reason)]);
      return balance;
    });
  }

  async setPlan(accountId: string, plan: AccountPlan): Promise<AccountView> {
    return this.repository.transaction(async (tx) => {
      const account = await tx.setAccountPlan(accountId, plan);
      if (!account) throw BillingError.notFound(`No account ${accountId}.`);
      return this.view(tx, account);
    });
  }

  // ── metering ───────────────────────────────────────────────────────────────────────────

  async reserve(cmd: ReserveCommand): Promise<ReserveResult> {
    const now = this.clock.now();
    const { terms, existing } = await this.repository.read(async (tx) => ({
      terms: await this.termsOf(tx, cmd, now),
      existing: await tx.findReservation(cmd.jobId, false),
    }));
    if (existing) return this.replay(existing, cmd, terms);
    if (cmd.pages > terms.maxPagesPerFile) {
      throw BillingError.invalid(
        `The file has ${cmd.pages} pages; the ${terms.plan} plan allows at most ${terms.maxPagesPerFile} pages per file.`,
      );
    }

    const credits = cmd.pages * costPerPage(this.config, cmd.tier);
    const fromBalance = terms.plan === 'paid';
    try {
      return await this.repository.transaction(async (tx) => {
        let used: number;
        let cap: number;
        if (fromBalance) {
          const taken = await tx.takeBalance(cmd.accountId!, credits);
          const usage = taken.taken
            ? await tx.takeBucket(terms.bucket, credits, null)
            : { used: await tx.bucketUsed(terms.bucket.key) };
          used = usage.used;
          cap = taken.balance + usage.used;
          if (!taken.taken) {
            throw new Refusal(used, cap, `Out of credits: this job needs ${credits}, the account has ${taken.balance} left.`);
          }
        } else {
          cap = terms.bucketCap!;
          const usage = await tx.takeBucket(terms.bucket, credits, cap);
          used = usage.used;
          if (!usage.taken) throw new Refusal(used, cap, this.bucketRefusal(terms, credits, used, cap));
        }
        const reservation = await tx.insertReservation({
          jobId: cmd.jobId,
          accountId: cmd.accountId,
          clientIp: cmd.accountId ? null : cmd.clientIp,
          plan: terms.plan,
          bucketKey: terms.bucket.key,
          fromBalance,
          tier: cmd.tier,
          pages: cmd.pages,
          credits,
          expiresAt: new Date(now.getTime() + this.config.BILLING_RESERVATION_TTL),
        });
        if (!reservation) throw new DuplicateJob();
        await tx.appendLedger([
          movement(reservation, 'reserve', -credits, `${cmd.pages} ${cmd.tier} page${cmd.pages === 1 ? '' : 's'}`),
        ]);
        return accepted(reservation, used, cap, terms);
      });
    } catch (outcome) {
      if (!(outcome instanceof Refusal) && !(outcome instanceof DuplicateJob)) throw outcome;
      // A concurrent Reserve for the same job may have won; if so, answer as it was answered.
      const winner = await this.repository.read((tx) => tx.findReservation(cmd.jobId, false));
      if (winner) return this.replay(winner, cmd, terms);
      if (outcome instanceof DuplicateJob) throw new Error(`reservation of job ${cmd.jobId} conflicted but cannot be found`);
      return {
        accepted: false,
        reservationId: '',
        credits,
        used: outcome.used,
        cap: outcome.cap,
        reason: outcome.reason,
        priority: terms.priority,
        maxPagesPerFile: terms.maxPagesPerFile,
      };
    }
  }

  async settle(cmd: SettleCommand): Promise<SettleResult> {
    return this.repository.transaction(async (tx) => {
      const r = await tx.findReservation(cmd.jobId, true);
      if (!r) throw BillingError.notFound(`Job ${cmd.jobId} has no reservation.`);
      if (cmd.pagesSucceeded + cmd.pagesFailed > r.pages) {
        throw BillingError.invalid(
          `Job ${cmd.jobId} reserved ${r.pages} pages; ${cmd.pagesSucceeded} succeeded + ${cmd.pagesFailed} failed is more.`,
        );
      }
      // Settling twice is a no-op; settling after expiry keeps the expiry refund (nothing is charged).
      if (r.status !== 'held') return { charged: r.charged, refunded: r.refunded };
      const charged = cmd.pagesSucceeded * (r.credits / r.pages);
      const refunded = r.credits - charged;
      if (refunded > 0) {
        const pagesBack = r.pages - cmd.pagesSucceeded;
        await this.release(tx, r, refunded, 'refund', `${pagesBack} page${pagesBack === 1 ? '' : 's'} not read`);
      }
      await tx.finishReservation(r.id, 'settled', charged, refunded);
      return { charged, refunded };
    });
  }

  /** Refunds every held reservation past its expiry; returns how many were refunded. */
  async sweepExpired(): Promise<number> {
    let total = 0;
    for (;;) {
      const swept = await this.repository.transaction(async (tx) => {
        const expired = await tx.lockExpiredReservations(this.clock.now(), SWEEP_BATCH);
        for (const r of expired) {
          await this.release(tx, r, r.credits, 'expiry_refund', `reservation expired at ${r.expiresAt.toISOString()}`);
          await tx.finishReservation(r.id, 'expired', 0, r.credits);
        }
        return expired;
      });
      total += swept.length;
      if (swept.length > 0) this.logger.debug?.({ jobIds: swept.map((r) => r.jobId) }, 'expired reservations refunded');
      if (swept.length < SWEEP_BATCH) return total;
    }
  }

  // ── helpers ────────────────────────────────────────────────────────────────────────────

  private async termsOf(tx: BillingTx, cmd: ReserveCommand, now: Date): Promise<PlanTerms> {
    if (cmd.accountId) return accountTerms(this.config, await this.requireAccount(tx, cmd.accountId), now);
    if (this.config.BILLING_ANON_DAILY_PAGES === 0) {
      throw BillingError.unauthenticated('Anonymous use is disabled on this server: send an API token.');
    }
    if (!cmd.clientIp) throw BillingError.invalid('client_ip is required for an anonymous reservation.');
    return anonymousTerms(this.config, cmd.clientIp, now);
  }

  /** The answer to a Reserve for a job that already holds a reservation. */
  private async replay(r: ReservationRow, cmd: ReserveCommand, terms: PlanTerms): Promise<ReserveResult> {
    const sameCaller = r.accountId === cmd.accountId && (r.accountId !== null || r.clientIp === cmd.clientIp);
    if (!sameCaller || r.pages !== cmd.pages || r.tier !== cmd.tier) {
      throw BillingError.alreadyExists(`Job ${cmd.jobId} already has a reservation for another caller or page count.`);
    }
    const { used, cap } = await this.repository.read(async (tx) => {
      const used = await tx.bucketUsed(r.bucketKey);
      if (!r.fromBalance) return { used, cap: terms.bucketCap ?? 0 };
      const account = await tx.findAccount(r.accountId!);
      return { used, cap: (account?.balance ?? 0) + used };
    });
    return accepted(r, used, cap, terms);
  }

  private bucketRefusal(terms: PlanTerms, credits: number, used: number, cap: number): string {
    const left = Math.max(0, cap - used);
    if (terms.plan === 'anonymous') {
      return `Daily allowance for anonymous use reached: ${used} of ${cap} pages used today, this job needs ${credits}. Create an account for more.`;
    }
    return `Monthly allowance of the free plan reached: ${used} of ${cap} pages used this month, ${left} left, this job needs ${credits}.`;
  }

  private async release(tx: BillingTx, r: ReservationRow, credits: number, kind: LedgerKind, note: string): Promise<void> {
    if (r.fromBalance) await tx.addBalance(r.accountId!, credits);
    await tx.releaseBucket(r.bucketKey, credits);
    await tx.appendLedger([movement(r, kind, credits, note)]);
  }

  private async requireAccount(tx: BillingTx, accountId: string): Promise<AccountRow> {
    const account = await tx.findAccount(accountId);
    if (!account) throw BillingError.notFound(`No account ${accountId}.`);
    return account;
  }

  private async insertToken(tx: BillingTx, accountId: string, label: string): Promise<IssuedToken> {
    const token = generateToken();
    const row = await tx.insertToken(accountId, hashToken(token), label);
    return { token, tokenId: row.id };
  }

  private async view(tx: BillingTx, account: AccountRow): Promise<AccountView> {
    const terms = accountTerms(this.config, account, this.clock.now());
    return { account, terms, usedThisPeriod: await tx.bucketUsed(terms.bucket.key) };
  }
}

function accepted(r: ReservationRow, used: number, cap: number, terms: PlanTerms): ReserveResult {
  return {
    accepted: true,
    reservationId: r.id,
    credits: r.credits,
    used,
    cap,
    reason: '',
    priority: terms.priority,
    maxPagesPerFile: terms.maxPagesPerFile,
  };
}

function purchase(accountId: string, credits: number, note: string): LedgerEntry {
  return { kind: 'purchase', source: 'balance', amount: credits, accountId, bucketKey: null, reservationId: null, jobId: null, note };
}

function movement(r: ReservationRow, kind: LedgerKind, amount: number, note: string): LedgerEntry {
  return {
    kind,
    source: r.fromBalance ? 'balance' : 'bucket',
    amount,
    accountId: r.accountId,
    bucketKey: r.bucketKey,
    reservationId: r.id,
    jobId: r.jobId,
    note,
  };
}

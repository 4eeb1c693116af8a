import { randomUUID } from 'node:crypto';
import { BillingRepository, type BillingTx } from '../src/billing/billing.repository';
import type {
  AccountPlan,
  AccountRow,
  BucketSpec,
  LedgerEntry,
  NewReservation,
  ReservationRow,
  ReservationStatus,
  TokenRow,
} from '../src/billing/billing.types';

interface Bucket extends BucketSpec {
  used: number;
}

interface State {
  accounts: Map<string, AccountRow>;
  tokens: Map<string, TokenRow>;
  buckets: Map<string, Bucket>;
  reservations: Map<string, ReservationRow>;
  ledger: LedgerEntry[];
}

function cloneState(s: State): State {
  const copy = <T extends object>(m: Map<string, T>) => new Map([...m].map(([k, v]) => [k, { ...v }]));
  return {
    accounts: copy(s.accounts),
    tokens: copy(s.tokens),
    buckets: copy(s.buckets),
    reservations: copy(s.reservations),
    ledger: [...s.ledger],
  };
}

/**
 * In-memory billing repository for unit specs: transactions run one at a time and roll back
 * (restore a snapshot) when their work throws, as Postgres would.
 */
export class FakeBillingRepository extends BillingRepository {
  state: State = { accounts: new Map(), tokens: new Map(), buckets: new Map(), reservations: new Map(), ledger: [] };
  /** When set, ping() rejects with it. */
  down: Error | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  transaction<T>(work: (tx: BillingTx) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      const snapshot = cloneState(this.state);
      try {
        return await work(new FakeTx(this.state));
      } catch (error) {
        this.state = snapshot;
        throw error;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  read<T>(work: (tx: BillingTx) => Promise<T>): Promise<T> {
    return work(new FakeTx(this.state));
  }

  async ping(): Promise<void> {
    if (this.down) throw this.down;
  }

  /** Sum of the account's balance ledger rows. */
  ledgerBalance(accountId: string): number {
    return this.state.ledger.filter((e) => e.accountId === accountId && e.source === 'balance').reduce((s, e) => s + e.amount, 0);
  }

  /** Usage of a bucket as its ledger rows tell it. */
  ledgerBucketUsed(key: string): number {
    return -this.state.ledger.filter((e) => e.bucketKey === key).reduce((s, e) => s + e.amount, 0);
  }

  /** Every account balance and bucket usage equals its ledger sum. */
  assertLedgerConsistent(): void {
    for (const a of this.state.accounts.values()) {
      if (a.balance !== this.ledgerBalance(a.id)) {
        throw new Error(`account ${a.email}: balance ${a.balance} but ledger sum ${this.ledgerBalance(a.id)}`);
      }
    }
    for (const b of this.state.buckets.values()) {
      if (b.used !== this.ledgerBucketUsed(b.key)) {
        throw new Error(`bucket ${b.key}: used ${b.used} but ledger says ${this.ledgerBucketUsed(b.key)}`);
      }
    }
  }
}

class FakeTx implements BillingTx {
  constructor(private readonly s: State) {}

  // Each method reads `this.s` when called, so the tx always works on the live state object
  // (a rollback replaces the repository's state, not the one this tx holds; the tx is over by then).

  async findAccount(id: string) {
    const a = this.s.accounts.get(id);
    return a ? { ...a } : null;
  }

  async insertAccount(email: string, plan: AccountPlan) {
    if ([...this.s.accounts.values()].some((a) => a.email === email)) return null;
    const a: AccountRow = { id: randomUUID(), email, plan, balance: 0, createdAt: new Date() };
    this.s.accounts.set(a.id, a);
    return { ...a };
  }

  async setAccountPlan(id: string, plan: AccountPlan) {
    const a = this.s.accounts.get(id);
    if (!a) return null;
    a.plan = plan;
    return { ...a };
  }

  async addBalance(accountId: string, credits: number) {
    const a = this.s.accounts.get(accountId)!;
    a.balance += credits;
    return a.balance;
  }

  async takeBalance(accountId: string, credits: number) {
    const a = this.s.accounts.get(accountId)!;
    if (a.balance < credits) return { taken: false, balance: a.balance };
    a.balance -= credits;
    return { taken: true, balance: a.balance };
  }

  async takeBucket(bucket: BucketSpec, credits: number, cap: number | null) {
    const b = this.s.buckets.get(bucket.key);
    const used = b?.used ?? 0;
    if (cap !== null && used + credits > cap) return { taken: false, used };
    if (b) b.used += credits;
    else this.s.buckets.set(bucket.key, { ...bucket, used: credits });
    return { taken: true, used: used + credits };
  }

  async releaseBucket(key: string, credits: number) {
    this.s.buckets.get(key)!.used -= credits;
  }

  async bucketUsed(key: string) {
    return this.s.buckets.get(key)?.used ?? 0;
  }

  async insertReservation(r: NewReservation) {
    if ([...this.s.reservations.values()].some((x) => x.jobId === r.jobId)) return null;
    const row: ReservationRow = { ...r, id: randomUUID(), status: 'held', charged: 0, refunded: 0, createdAt: new Date() };
    this.s.reservations.set(row.id, row);
    return { ...row };
  }

  async findReservation(jobId: string) {
    const r = [...this.s.reservations.values()].find((x) => x.jobId === jobId);
    return r ? { ...r } : null;
  }

  async finishReservation(id: string, status: Exclude<ReservationStatus, 'held'>, charged: number, refunded: number) {
    const r = this.s.reservations.get(id)!;
    if (r.status !== 'held') return;
    Object.assign(r, { status, charged, refunded });
  }

  async lockExpiredReservations(now: Date, limit: number) {
    return [...this.s.reservations.values()]
      .filter((r) => r.status === 'held' && r.expiresAt < now)
      .slice(0, limit)
      .map((r) => ({ ...r }));
  }

  async appendLedger(entries: LedgerEntry[]) {
    for (const e of entries) {
      if (e.amount === 0) throw new Error('ledger rows move credits: amount 0 refused');
      this.s.ledger.push({ ...e });
    }
  }

  async insertToken(accountId: string, hash: Buffer, label: string) {
    const t: TokenRow = { id: randomUUID(), accountId, hash, label, createdAt: new Date(), lastUsedAt: null, revokedAt: null };
    this.s.tokens.set(t.id, t);
    return { ...t };
  }

  async findTokenByHash(hash: Buffer) {
    const t = [...this.s.tokens.values()].find((x) => x.hash.equals(hash));
    if (!t) return null;
    return { token: { ...t }, account: { ...this.s.accounts.get(t.accountId)! } };
  }

  async findToken(accountId: string, tokenId: string) {
    const t = this.s.tokens.get(tokenId);
    return t && t.accountId === accountId ? { ...t } : null;
  }

  async touchToken(id: string, now: Date, staleBefore: Date) {
    const t = this.s.tokens.get(id)!;
    if (!t.lastUsedAt || t.lastUsedAt < staleBefore) t.lastUsedAt = now;
  }

  async revokeToken(tokenId: string, now: Date) {
    const t = this.s.tokens.get(tokenId)!;
    if (t.revokedAt) return false;
    t.revokedAt = now;
    return true;
  }
}

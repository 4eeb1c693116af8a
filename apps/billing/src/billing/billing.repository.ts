import type {
  AccountPlan,
  AccountRow,
  BucketSpec,
  LedgerEntry,
  NewReservation,
  ReservationRow,
  ReservationStatus,
  TokenRow,
} from './billing.types';

/**
 * Row-level operations on billing's tables, inside one transaction (or, from `read`, as single
 * statements). The conditional ones (`takeBalance`, `takeBucket`) are atomic: under any
 * concurrency they never let a balance go below zero or a bucket above its cap.
 */
export interface BillingTx {
  findAccount(id: string): Promise<AccountRow | null>;
  /** Inserts an account; null when the e-mail is taken. */
  insertAccount(email: string, plan: AccountPlan): Promise<AccountRow | null>;
  setAccountPlan(id: string, plan: AccountPlan): Promise<AccountRow | null>;
  /** balance += credits; returns the new balance. */
  addBalance(accountId: string, credits: number): Promise<number>;
  /** balance -= credits only if balance ≥ credits. */
  takeBalance(accountId: string, credits: number): Promise<{ taken: boolean; balance: number }>;

  /**
   * Adds credits to a bucket's usage (creating the bucket) only if the result stays within cap;
   * cap null counts without a limit. Returns the usage after (or, when refused, as it stands).
   */
  takeBucket(bucket: BucketSpec, credits: number, cap: number | null): Promise<{ taken: boolean; used: number }>;
  /** used -= credits. */
  releaseBucket(key: string, credits: number): Promise<void>;
  /** A bucket's usage; 0 when it does not exist yet. */
  bucketUsed(key: string): Promise<number>;

  /** Inserts a reservation; null when the job already has one. */
  insertReservation(reservation: NewReservation): Promise<ReservationRow | null>;
  /** The job's reservation; `lock` holds its row until the transaction ends. */
  findReservation(jobId: string, lock: boolean): Promise<ReservationRow | null>;
  finishReservation(id: string, status: Exclude<ReservationStatus, 'held'>, charged: number, refunded: number): Promise<void>;
  /** Held reservations that expired before `now`, locked, skipping rows another sweeper holds. */
  lockExpiredReservations(now: Date, limit: number): Promise<ReservationRow[]>;

  appendLedger(entries: LedgerEntry[]): Promise<void>;

  insertToken(accountId: string, hash: Buffer, label: string): Promise<TokenRow>;
  /** The token with this hash and its account. */
  findTokenByHash(hash: Buffer): Promise<{ token: TokenRow; account: AccountRow } | null>;
  findToken(accountId: string, tokenId: string): Promise<TokenRow | null>;
  /** Sets last_used_at = now when it is older than `staleBefore` (or unset). */
  touchToken(id: string, now: Date, staleBefore: Date): Promise<void>;
  /** Revokes an active token; false when it was already revoked. */
  revokeToken(tokenId: string, now: Date): Promise<boolean>;
}

/**
 * Billing's storage port. `transaction` runs `work` atomically (everything or nothing);
 * `read` runs single statements without a transaction.
 */
export abstract class BillingRepository {
  abstract transaction<T>(work: (tx: BillingTx) => Promise<T>): Promise<T>;
  abstract read<T>(work: (tx: BillingTx) => Promise<T>): Promise<T>;
  /** One round trip to the database; rejects when it does not answer. */
  abstract ping(): Promise<void>;
}

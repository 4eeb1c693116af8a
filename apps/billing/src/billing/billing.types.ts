/** Plans an account can be on. Anonymous callers have no account. */
export type AccountPlan = 'free' | 'paid';
/** Who pays for a reservation. */
export type CallerPlan = AccountPlan | 'anonymous';
export type TierName = 'cpu' | 'vlm';

export interface AccountRow {
  id: string;
  email: string;
  plan: AccountPlan;
  /** Purchased credits left: always equal to the sum of the account's `balance` ledger rows. */
  balance: number;
  createdAt: Date;
}

export interface TokenRow {
  id: string;
  accountId: string;
  /** SHA-256 of the token text. */
  hash: Buffer;
  label: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export type ReservationStatus = 'held' | 'settled' | 'expired';

export interface ReservationRow {
  id: string;
  jobId: string;
  accountId: string | null;
  clientIp: string | null;
  plan: CallerPlan;
  /** The usage bucket the credits were counted in. */
  bucketKey: string;
  /** True when the credits were taken from the account's purchased balance (paid plan). */
  fromBalance: boolean;
  tier: TierName;
  pages: number;
  credits: number;
  status: ReservationStatus;
  charged: number;
  refunded: number;
  expiresAt: Date;
  createdAt: Date;
}

export type NewReservation = Omit<ReservationRow, 'id' | 'status' | 'charged' | 'refunded' | 'createdAt'>;

/** What a bucket counts, and for whom. */
export interface BucketSpec {
  key: string;
  kind: CallerPlan;
  accountId: string | null;
  clientIp: string | null;
  /** First day of the bucket's period (UTC), `YYYY-MM-DD`. */
  periodStart: string;
}

export type LedgerKind = 'purchase' | 'reserve' | 'refund' | 'expiry_refund';
/** `balance` rows move an account's purchased credits; `bucket` rows only an allowance. */
export type LedgerSource = 'balance' | 'bucket';

export interface LedgerEntry {
  kind: LedgerKind;
  source: LedgerSource;
  /** Signed: negative takes credits, positive gives them back or adds them. */
  amount: number;
  accountId: string | null;
  bucketKey: string | null;
  reservationId: string | null;
  jobId: string | null;
  note: string;
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, QueryRunner } from 'typeorm';
import { BillingRepository, BillingTx } from '../billing/billing.repository';
import type {
  AccountPlan,
  AccountRow,
  BucketSpec,
  LedgerEntry,
  NewReservation,
  ReservationRow,
  ReservationStatus,
  TokenRow,
} from '../billing/billing.types';

/** Postgres implementation of the billing repository (schema `billing`), raw SQL through TypeORM. */
@Injectable()
export class PgBillingRepository extends BillingRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async transaction<T>(work: (tx: BillingTx) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction(); // READ COMMITTED, Postgres' default (one round trip fewer than naming it)
      try {
        const result = await work(new PgBillingTx(runner));
        await runner.commitTransaction();
        return result;
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        throw error;
      }
    } finally {
      await runner.release();
    }
  }

  async read<T>(work: (tx: BillingTx) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      return await work(new PgBillingTx(runner));
    } finally {
      await runner.release();
    }
  }

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}

const ACCOUNT_COLUMNS = 'a.id, a.email, a.plan, a.balance, a.created_at';
const TOKEN_COLUMNS = 't.id, t.account_id, t.hash, t.label, t.created_at, t.last_used_at, t.revoked_at';
const RESERVATION_COLUMNS =
  'id, job_id, account_id, host(client_ip) AS client_ip, plan, bucket_key, from_balance, tier, pages, credits, status, charged, refunded, expires_at, created_at';

class PgBillingTx implements BillingTx {
  constructor(private readonly runner: QueryRunner) {}

  private async rows<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const result = await this.runner.query(sql, params, true);
    return result.records as T[];
  }

  async findAccount(id: string): Promise<AccountRow | null> {
    const [row] = await this.rows(`SELECT ${ACCOUNT_COLUMNS} FROM billing.accounts a WHERE a.id = $1`, [id]);
    return row ? toAccount(row) : null;
  }

  async insertAccount(email: string, plan: AccountPlan): Promise<AccountRow | null> {
    const [row] = await this.rows(
      `INSERT INTO billing.accounts AS a (email, plan) VALUES ($1, $2)
       ON CONFLICT (email) DO NOTHING RETURNING ${ACCOUNT_COLUMNS}`,
      [email, plan],
    );
    return row ? toAccount(row) : null;
  }

  async setAccountPlan(id: string, plan: AccountPlan): Promise<AccountRow | null> {
    const [row] = await this.rows(
      `UPDATE billing.accounts AS a SET plan = $2, updated_at = now() WHERE a.id = $1 RETURNING ${ACCOUNT_COLUMNS}`,
      [id, plan],
    );
    return row ? toAccount(row) : null;
  }

  async addBalance(accountId: string, credits: number): Promise<number> {
    const [row] = await this.rows<{ balance: string }>(
      'UPDATE billing.accounts SET balance = balance + $2, updated_at = now() WHERE id = $1 RETURNING balance',
      [accountId, credits],
    );
    if (!row) throw new Error(`account ${accountId} vanished while its balance was changed`);
    return Number(row.balance);
  }

  async takeBalance(accountId: string, credits: number): Promise<{ taken: boolean; balance: number }> {
    // A conditional UPDATE: concurrent callers queue on the row lock and each re-checks the
    // condition against the row as the previous one left it, so the balance never goes negative.
    const [row] = await this.rows<{ balance: string }>(
      `UPDATE billing.accounts SET balance = balance - $2, updated_at = now()
       WHERE id = $1 AND balance >= $2 RETURNING balance`,
      [accountId, credits],
    );
    if (row) return { taken: true, balance: Number(row.balance) };
    const [current] = await this.rows<{ balance: string }>('SELECT balance FROM billing.accounts WHERE id = $1', [accountId]);
    return { taken: false, balance: Number(current?.balance ?? 0) };
  }

  async takeBucket(bucket: BucketSpec, credits: number, cap: number | null): Promise<{ taken: boolean; used: number }> {
    // One statement: creates the bucket with this usage, or adds to it, only within the cap.
    // ON CONFLICT takes the row lock, so concurrent callers serialize on the bucket row.
    const [row] = await this.rows<{ used: string }>(
      `INSERT INTO billing.buckets AS b (key, kind, account_id, client_ip, period_start, used)
       SELECT $1::text, $2::text, $3::uuid, $4::inet, $5::date, $6::bigint WHERE $7::bigint IS NULL OR $6::bigint <= $7::bigint
       ON CONFLICT (key) DO UPDATE SET used = b.used + EXCLUDED.used, updated_at = now()
       WHERE $7::bigint IS NULL OR b.used + EXCLUDED.used <= $7::bigint
       RETURNING used`,
      [bucket.key, bucket.kind, bucket.accountId, bucket.clientIp, bucket.periodStart, credits, cap],
    );
    if (row) return { taken: true, used: Number(row.used) };
    return { taken: false, used: await this.bucketUsed(bucket.key) };
  }

  async releaseBucket(key: string, credits: number): Promise<void> {
    await this.rows('UPDATE billing.buckets SET used = used - $2, updated_at = now() WHERE key = $1', [key, credits]);
  }

  async bucketUsed(key: string): Promise<number> {
    const [row] = await this.rows<{ used: string }>('SELECT used FROM billing.buckets WHERE key = $1', [key]);
    return Number(row?.used ?? 0);
  }

  async insertReservation(r: NewReservation): Promise<ReservationRow | null> {
    const [row] = await this.rows(
      `INSERT INTO billing.reservations
         (job_id, account_id, client_ip, plan, bucket_key, from_balance, tier, pages, credits, expires_at)
       VALUES ($1, $2, $3::inet, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (job_id) DO NOTHING RETURNING ${RESERVATION_COLUMNS}`,
      [r.jobId, r.accountId, r.clientIp, r.plan, r.bucketKey, r.fromBalance, r.tier, r.pages, r.credits, r.expiresAt],
    );
    return row ? toReservation(row) : null;
  }

  async findReservation(jobId: string, lock: boolean): Promise<ReservationRow | null> {
    const [row] = await this.rows(
      `SELECT ${RESERVATION_COLUMNS} FROM billing.reservations WHERE job_id = $1${lock ? ' FOR UPDATE' : ''}`,
      [jobId],
    );
    return row ? toReservation(row) : null;
  }

  async finishReservation(
    id: string,
    status: Exclude<ReservationStatus, 'held'>,
    charged: number,
    refunded: number,
  ): Promise<void> {
    await this.rows(
      `UPDATE billing.reservations SET status = $2, charged = $3, refunded = $4, settled_at = now()
       WHERE id = $1 AND status = 'held'`,
      [id, status, charged, refunded],
    );
  }

  async lockExpiredReservations(now: Date, limit: number): Promise<ReservationRow[]> {
    const rows = await this.rows(
      `SELECT ${RESERVATION_COLUMNS} FROM billing.reservations
       WHERE status = 'held' AND expires_at < $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
    return rows.map(toReservation);
  }

  async appendLedger(entries: LedgerEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const values: unknown[] = [];
    const tuples = entries.map((e, i) => {
      values.push(e.kind, e.source, e.amount, e.accountId, e.bucketKey, e.reservationId, e.jobId, e.note);
      const p = i * 8;
      return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6}, $${p + 7}, $${p + 8})`;
    });
    await this.rows(
      `INSERT INTO billing.ledger (kind, source, amount, account_id, bucket_key, reservation_id, job_id, note)
       VALUES ${tuples.join(', ')}`,
      values,
    );
  }

  async insertToken(accountId: string, hash: Buffer, label: string): Promise<TokenRow> {
    const [row] = await this.rows(
      `INSERT INTO billing.tokens AS t (account_id, hash, label) VALUES ($1, $2, $3) RETURNING ${TOKEN_COLUMNS}`,
      [accountId, hash, label],
    );
    return toToken(row!);
  }

  async findTokenByHash(hash: Buffer): Promise<{ token: TokenRow; account: AccountRow } | null> {
    const [row] = await this.rows(
      `SELECT ${TOKEN_COLUMNS}, a.email, a.plan, a.balance, a.created_at AS account_created_at
       FROM billing.tokens t JOIN billing.accounts a ON a.id = t.account_id WHERE t.hash = $1`,
      [hash],
    );
    if (!row) return null;
    return {
      token: toToken(row),
      account: toAccount({ ...row, id: row.account_id, created_at: row.account_created_at }),
    };
  }

  async findToken(accountId: string, tokenId: string): Promise<TokenRow | null> {
    const [row] = await this.rows(`SELECT ${TOKEN_COLUMNS} FROM billing.tokens t WHERE t.id = $1 AND t.account_id = $2`, [
      tokenId,
      accountId,
    ]);
    return row ? toToken(row) : null;
  }

  async touchToken(id: string, now: Date, staleBefore: Date): Promise<void> {
    await this.rows(
      'UPDATE billing.tokens SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)',
      [id, now, staleBefore],
    );
  }

  async revokeToken(tokenId: string, now: Date): Promise<boolean> {
    const rows = await this.rows('UPDATE billing.tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id', [
      tokenId,
      now,
    ]);
    return rows.length === 1;
  }
}

type Row = Record<string, unknown>;

function toAccount(row: Row): AccountRow {
  return {
    id: String(row.id),
    email: String(row.email),
    plan: row.plan as AccountPlan,
    balance: Number(row.balance),
    createdAt: row.created_at as Date,
  };
}

function toToken(row: Row): TokenRow {
  return {
    id: String(row.id),
    accountId: String(row.account_id),
    hash: row.hash as Buffer,
    label: String(row.label),
    createdAt: row.created_at as Date,
    lastUsedAt: (row.last_used_at as Date | null) ?? null,
    revokedAt: (row.revoked_at as Date | null) ?? null,
  };
}

function toReservation(row: Row): ReservationRow {
  return {
    id: String(row.id),
    jobId: String(row.job_id),
    accountId: (row.account_id as string | null) ?? null,
    clientIp: (row.client_ip as string | null) ?? null,
    plan: row.plan as ReservationRow['plan'],
    bucketKey: String(row.bucket_key),
    fromBalance: Boolean(row.from_balance),
    tier: row.tier as ReservationRow['tier'],
    pages: Number(row.pages),
    credits: Number(row.credits),
    status: row.status as ReservationStatus,
    charged: Number(row.charged),
    refunded: Number(row.refunded),
    expiresAt: row.expires_at as Date,
    createdAt: row.created_at as Date,
  };
}

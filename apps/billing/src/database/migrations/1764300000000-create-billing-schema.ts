import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The billing schema: accounts, token hashes, usage buckets, reservations and the append-only
 * ledger. A trigger refuses UPDATE, DELETE and TRUNCATE on the ledger.
 */
export class CreateBillingSchema1764300000000 implements MigrationInterface {
  name = 'CreateBillingSchema1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS billing`);
    await q.query(`
      CREATE TABLE billing.accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        plan text NOT NULL CHECK (plan IN ('free', 'paid')),
        balance bigint NOT NULL DEFAULT 0 CHECK (balance >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX accounts_email_key ON billing.accounts (email)`);

    await q.query(`
      CREATE TABLE billing.tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES billing.accounts (id) ON DELETE CASCADE,
        hash bytea NOT NULL CHECK (octet_length(hash) = 32),
        label text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX tokens_hash_key ON billing.tokens (hash)`);
    await q.query(`CREATE INDEX tokens_account_idx ON billing.tokens (account_id)`);

    await q.query(`
      CREATE TABLE billing.buckets (
        key text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('anonymous', 'free', 'paid')),
        account_id uuid REFERENCES billing.accounts (id) ON DELETE CASCADE,
        client_ip inet,
        period_start date NOT NULL,
        used bigint NOT NULL DEFAULT 0 CHECK (used >= 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((kind = 'anonymous') = (client_ip IS NOT NULL AND account_id IS NULL))
      )`);

    await q.query(`
      CREATE TABLE billing.reservations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        job_id text NOT NULL,
        account_id uuid REFERENCES billing.accounts (id),
        client_ip inet,
        plan text NOT NULL CHECK (plan IN ('anonymous', 'free', 'paid')),
        bucket_key text NOT NULL REFERENCES billing.buckets (key),
        from_balance boolean NOT NULL,
        tier text NOT NULL CHECK (tier IN ('cpu', 'vlm')),
        pages integer NOT NULL CHECK (pages > 0),
        credits bigint NOT NULL CHECK (credits > 0),
        status text NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'settled', 'expired')),
        charged bigint NOT NULL DEFAULT 0 CHECK (charged >= 0),
        refunded bigint NOT NULL DEFAULT 0 CHECK (refunded >= 0),
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        settled_at timestamptz,
        CHECK (charged + refunded <= credits)
      )`);
    await q.query(`CREATE UNIQUE INDEX reservations_job_key ON billing.reservations (job_id)`);
    await q.query(`CREATE INDEX reservations_held_expiry_idx ON billing.reservations (expires_at) WHERE status = 'held'`);

    await q.query(`
      CREATE TABLE billing.ledger (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        kind text NOT NULL CHECK (kind IN ('purchase', 'reserve', 'refund', 'expiry_refund')),
        source text NOT NULL CHECK (source IN ('balance', 'bucket')),
        amount bigint NOT NULL CHECK (amount <> 0),
        account_id uuid REFERENCES billing.accounts (id),
        bucket_key text REFERENCES billing.buckets (key),
        reservation_id uuid REFERENCES billing.reservations (id),
        job_id text,
        note text NOT NULL DEFAULT '',
        CHECK (source = 'bucket' OR account_id IS NOT NULL),
        CHECK (source = 'balance' OR bucket_key IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX ledger_account_idx ON billing.ledger (account_id, id)`);
    await q.query(`CREATE INDEX ledger_bucket_idx ON billing.ledger (bucket_key)`);
    await q.query(`CREATE INDEX ledger_reservation_idx ON billing.ledger (reservation_id)`);
    await q.query(`
      CREATE FUNCTION billing.ledger_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'billing.ledger is append-only: % refused', TG_OP;
      END $$`);
    await q.query(`
      CREATE TRIGGER ledger_no_update_or_delete BEFORE UPDATE OR DELETE ON billing.ledger
      FOR EACH ROW EXECUTE FUNCTION billing.ledger_is_append_only()`);
    await q.query(`
      CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON billing.ledger
      FOR EACH STATEMENT EXECUTE FUNCTION billing.ledger_is_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE billing.ledger`);
    await q.query(`DROP FUNCTION billing.ledger_is_append_only()`);
    await q.query(`DROP TABLE billing.reservations`);
    await q.query(`DROP TABLE billing.buckets`);
    await q.query(`DROP TABLE billing.tokens`);
    await q.query(`DROP TABLE billing.accounts`);
  }
}

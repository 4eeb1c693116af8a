import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateJobs1764100000000 implements MigrationInterface {
  name = 'CreateJobs1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS jobs`);
    await q.query(`
      CREATE TABLE jobs.job (
        id uuid PRIMARY KEY,
        account_id uuid,
        client_ip text,
        status text NOT NULL CHECK (status IN ('pending','processing','done','failed')),
        tier text NOT NULL,
        language text NOT NULL,
        tool text,
        mime text NOT NULL,
        file_name text,
        file_size bigint NOT NULL,
        upload_key text,
        page_count int NOT NULL CHECK (page_count > 0),
        pages_done int NOT NULL DEFAULT 0,
        pages_failed int NOT NULL DEFAULT 0,
        priority int NOT NULL,
        mean_confidence double precision NOT NULL DEFAULT 0,
        text text NOT NULL DEFAULT '',
        markdown text NOT NULL DEFAULT '',
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        expires_at timestamptz,
        settled boolean NOT NULL DEFAULT false
      )`);
    await q.query(`CREATE INDEX job_account_idx ON jobs.job (account_id)`);
    await q.query(`CREATE INDEX job_expires_idx ON jobs.job (expires_at)`);
    await q.query(`CREATE INDEX job_unfinished_idx ON jobs.job (created_at) WHERE status IN ('pending','processing')`);
    await q.query(`
      CREATE TABLE jobs.page (
        job_id uuid NOT NULL REFERENCES jobs.job (id) ON DELETE CASCADE,
        index int NOT NULL,
        status text NOT NULL CHECK (status IN ('pending','done','failed')),
        result jsonb,
        error text,
        worker_id text,
        finished_at timestamptz,
        PRIMARY KEY (job_id, index)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE jobs.page`);
    await q.query(`DROP TABLE jobs.job`);
  }
}

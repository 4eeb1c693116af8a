import { MigrationInterface, QueryRunner } from 'typeorm';

/** The chat schema: indexed jobs, their pages and line chunks (full-text indexed), conversations. */
export class ChatInit1795600000000 implements MigrationInterface {
  name = 'ChatInit1795600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS chat`);
    await q.query(`CREATE TABLE chat.jobs (
      job_id text PRIMARY KEY,
      account_id text NOT NULL,
      page_count integer NOT NULL,
      indexed_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE chat.pages (
      job_id text NOT NULL REFERENCES chat.jobs(job_id) ON DELETE CASCADE,
      page integer NOT NULL,
      text text NOT NULL,
      PRIMARY KEY (job_id, page)
    )`);
    await q.query(`CREATE TABLE chat.chunks (
      id bigserial PRIMARY KEY,
      job_id text NOT NULL REFERENCES chat.jobs(job_id) ON DELETE CASCADE,
      page integer NOT NULL,
      seq integer NOT NULL,
      text text NOT NULL,
      bbox double precision[] NOT NULL,
      tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED,
      UNIQUE (job_id, page, seq)
    )`);
    await q.query(`CREATE INDEX chunks_tsv_idx ON chat.chunks USING gin (tsv)`);
    await q.query(`CREATE TABLE chat.conversations (
      id uuid PRIMARY KEY,
      job_id text NOT NULL,
      account_id text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await q.query(`CREATE INDEX conversations_job_idx ON chat.conversations (job_id, account_id, created_at)`);
    await q.query(`CREATE TABLE chat.messages (
      id bigserial PRIMARY KEY,
      conversation_id uuid NOT NULL REFERENCES chat.conversations(id) ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('user', 'assistant')),
      content text NOT NULL,
      citations jsonb NOT NULL DEFAULT '[]',
      created_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await q.query(`CREATE INDEX messages_conversation_idx ON chat.messages (conversation_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE chat.messages`);
    await q.query(`DROP TABLE chat.conversations`);
    await q.query(`DROP TABLE chat.chunks`);
    await q.query(`DROP TABLE chat.pages`);
    await q.query(`DROP TABLE chat.jobs`);
  }
}

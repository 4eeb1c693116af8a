import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Turn } from './answerer';
import type { Chunk, Citation } from './extractive.answerer';

export interface IndexedJob {
  jobId: string;
  accountId: string;
  pages: { page: number; text: string }[];
  chunks: Chunk[];
}

export interface StoredMessage {
  role: 'user' | 'assistant';
  content: string;
  citations: Citation[];
  createdAt: Date;
}

export interface StoredConversation {
  id: string;
  jobId: string;
  accountId: string;
  createdAt: Date;
  messages: StoredMessage[];
}

interface ChunkRow {
  page: number;
  seq: number;
  text: string;
  bbox: number[];
}

const toChunk = (r: ChunkRow): Chunk => ({ page: r.page, seq: r.seq, text: r.text, bbox: (r.bbox.length === 4 ? r.bbox : []) as Chunk['bbox'] });

/** The chat service's only door to Postgres (schema `chat`). */
@Injectable()
export class ChatRepository {
  constructor(private readonly db: DataSource) {}

  /** Replaces whatever was indexed for the job with these pages and chunks, in one transaction. */
  async replaceJob(job: IndexedJob): Promise<void> {
    await this.db.transaction(async (m) => {
      // The event consumer and an on-demand IndexJob may index the same job at once: one at a time.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('chat.jobs'), hashtext($1))`, [job.jobId]);
      await m.query(`DELETE FROM chat.jobs WHERE job_id = $1`, [job.jobId]);
      await m.query(`INSERT INTO chat.jobs (job_id, account_id, page_count) VALUES ($1, $2, $3)`, [job.jobId, job.accountId, job.pages.length]);
      if (job.pages.length > 0) {
        await m.query(
          `INSERT INTO chat.pages (job_id, page, text) SELECT $1, * FROM unnest($2::int[], $3::text[])`,
          [job.jobId, job.pages.map((p) => p.page), job.pages.map((p) => p.text)],
        );
      }
      for (let i = 0; i < job.chunks.length; i += 1000) {
        const part = job.chunks.slice(i, i + 1000);
        await m.query(
          `INSERT INTO chat.chunks (job_id, page, seq, text, bbox)
           SELECT $1, page, seq, text, ARRAY(SELECT jsonb_array_elements_text(bbox)::float8)
           FROM jsonb_to_recordset($2::jsonb) AS x(page int, seq int, text text, bbox jsonb)`,
          [job.jobId, JSON.stringify(part)],
        );
      }
    });
  }

  /** The owner of an indexed job, or null when the job was never indexed. */
  async jobOwner(jobId: string): Promise<string | null> {
    const rows: { account_id: string }[] = await this.db.query(`SELECT account_id FROM chat.jobs WHERE job_id = $1`, [jobId]);
    return rows[0]?.account_id ?? null;
  }

  /** Lines matching any of the terms (words as prefixes), best full-text rank first. */
  async search(jobId: string, terms: string[], limit: number): Promise<Chunk[]> {
    if (terms.length === 0) return [];
    const query = terms.map((t) => `${t}:*`).join(' | ');
    const rows: ChunkRow[] = await this.db.query(
      `SELECT c.page, c.seq, c.text, c.bbox FROM chat.chunks c, to_tsquery('simple', $2) q
       WHERE c.job_id = $1 AND c.tsv @@ q
       ORDER BY ts_rank_cd(c.tsv, q) DESC, c.page, c.seq LIMIT $3`,
      [jobId, query, limit],
    );
    return rows.map(toChunk);
  }

  /** Lines matching a (POSIX, case-insensitive) pattern, in document order. */
  async matching(jobId: string, pattern: string, limit: number): Promise<Chunk[]> {
    const rows: ChunkRow[] = await this.db.query(
      `SELECT page, seq, text, bbox FROM chat.chunks WHERE job_id = $1 AND text ~* $2 ORDER BY page, seq LIMIT $3`,
      [jobId, pattern, limit],
    );
    return rows.map(toChunk);
  }

  /** The first lines of a job's first page. */
  async leadingLines(jobId: string, limit: number): Promise<Chunk[]> {
    const rows: ChunkRow[] = await this.db.query(
      `SELECT page, seq, text, bbox FROM chat.chunks WHERE job_id = $1
       AND page = (SELECT min(page) FROM chat.chunks WHERE job_id = $1) ORDER BY seq LIMIT $2`,
      [jobId, limit],
    );
    return rows.map(toChunk);
  }

  /** The texts of the given pages of a job, by page number. */
  async pageTexts(jobId: string, pages: number[]): Promise<Map<number, string>> {
    const rows: { page: number; text: string }[] = await this.db.query(
      `SELECT page, text FROM chat.pages WHERE job_id = $1 AND page = ANY($2::int[])`,
      [jobId, pages],
    );
    return new Map(rows.map((r) => [r.page, r.text]));
  }

  async createConversation(jobId: string, accountId: string): Promise<string> {
    const id = randomUUID();
    await this.db.query(`INSERT INTO chat.conversations (id, job_id, account_id) VALUES ($1, $2, $3)`, [id, jobId, accountId]);
    return id;
  }

  /** A conversation's job and owner, or null when there is none with that id. */
  async conversation(id: string): Promise<{ jobId: string; accountId: string } | null> {
    const rows: { job_id: string; account_id: string }[] = await this.db.query(
      `SELECT job_id, account_id FROM chat.conversations WHERE id = $1`,
      [id],
    );
    return rows[0] ? { jobId: rows[0].job_id, accountId: rows[0].account_id } : null;
  }

  /** The latest messages of a conversation (at most `limit`), oldest first. */
  async recentMessages(conversationId: string, limit: number): Promise<Turn[]> {
    const rows: Turn[] = await this.db.query(
      `SELECT role, content FROM chat.messages WHERE conversation_id = $1 ORDER BY id DESC LIMIT $2`,
      [conversationId, limit],
    );
    return rows.map((r) => ({ role: r.role, content: r.content })).reverse();
  }

  /** Stores a question and its answer together; returns the answer's creation time. */
  async addExchange(conversationId: string, question: string, answer: { content: string; citations: Citation[] }): Promise<Date> {
    return this.db.transaction(async (m) => {
      await m.query(`INSERT INTO chat.messages (conversation_id, role, content) VALUES ($1, 'user', $2)`, [conversationId, question]);
      const rows: { created_at: Date }[] = await m.query(
        `INSERT INTO chat.messages (conversation_id, role, content, citations) VALUES ($1, 'assistant', $2, $3::jsonb) RETURNING created_at`,
        [conversationId, answer.content, JSON.stringify(answer.citations)],
      );
      return rows[0].created_at;
    });
  }

  /** Every conversation of the job that the account holds, oldest first, turns oldest first. */
  async history(jobId: string, accountId: string): Promise<StoredConversation[]> {
    const rows: {
      id: string;
      created_at: Date;
      role: 'user' | 'assistant' | null;
      content: string | null;
      citations: Citation[] | null;
      message_at: Date | null;
    }[] = await this.db.query(
      `SELECT c.id, c.created_at, m.role, m.content, m.citations, m.created_at AS message_at
       FROM chat.conversations c LEFT JOIN chat.messages m ON m.conversation_id = c.id
       WHERE c.job_id = $1 AND c.account_id = $2
       ORDER BY c.created_at, c.id, m.id`,
      [jobId, accountId],
    );
    const byId = new Map<string, StoredConversation>();
    for (const r of rows) {
      let conv = byId.get(r.id);
      if (!conv) byId.set(r.id, (conv = { id: r.id, jobId, accountId, createdAt: r.created_at, messages: [] }));
      if (r.role && r.content !== null && r.message_at) {
        conv.messages.push({ role: r.role, content: r.content, citations: r.citations ?? [], createdAt: r.message_at });
      }
    }
    return [...byId.values()];
  }
}

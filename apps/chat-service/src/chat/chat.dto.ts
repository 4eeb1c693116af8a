import type { BBox } from '@ocr/documents';
import { chatV1 } from '@ocr/proto';
import { z } from 'zod';
import { ChatError } from '../errors/chat.error';
import type { Chunk } from './extractive.answerer';
import type { IndexedJob, StoredConversation, StoredMessage } from './chat.repository';

const finite = z.number().finite();
const bbox = z.tuple([finite, finite, finite, finite]);
const lineSchema = z.object({ text: z.string(), bbox });
const blockSchema = z.object({ text: z.string(), bbox, lines: z.array(lineSchema).default([]) });
const pageSchema = z.object({
  index: z.number().int().min(0),
  text: z.string().default(''),
  blocks: z.array(blockSchema).default([]),
  error: z.string().nullish(),
});
/** The parts of the job document the chat service indexes. */
export const indexableJobSchema = z.object({
  uuid: z.string().min(1).max(100),
  status: z.enum(['pending', 'processing', 'done', 'failed']),
  pages: z.array(pageSchema),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Validates an IndexJob request and cuts the job into line chunks (1-based pages, reading order). */
export function parseIndexRequest(request: chatV1.IndexJobRequest): IndexedJob {
  let raw: unknown;
  try {
    raw = JSON.parse(request.job_json ?? '');
  } catch (error) {
    throw new ChatError('INVALID_JOB_JSON', `job_json is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = indexableJobSchema.safeParse(raw);
  if (!parsed.success) {
    const list = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
      .join('; ');
    throw new ChatError('INVALID_JOB_DOCUMENT', `job_json is not a valid job document: ${list}`);
  }
  const job = parsed.data;
  if (job.status !== 'done') throw new ChatError('JOB_NOT_FINISHED', `job ${job.uuid} is ${job.status}; only finished jobs are indexed`);
  const pages = job.pages.filter((p) => !p.error).map((p) => ({ page: p.index + 1, text: p.text, blocks: p.blocks }));
  const chunks: Chunk[] = [];
  for (const page of pages) {
    let seq = 0;
    const lines =
      page.blocks.length > 0
        ? page.blocks.flatMap((b) => (b.lines.length > 0 ? b.lines : [{ text: b.text, bbox: b.bbox }]))
        : page.text.split('\n').map((text) => ({ text, bbox: [] as number[] }));
    for (const line of lines) {
      for (const text of line.text.split('\n')) {
        if (text.trim() === '') continue;
        chunks.push({ page: page.page, seq: seq++, text, bbox: (line.bbox.length === 4 && !line.text.includes('\n') ? line.bbox : []) as BBox | [] });
      }
    }
  }
  return { jobId: job.uuid, accountId: request.account_id ?? '', pages: pages.map(({ page, text }) => ({ page, text })), chunks };
}

export interface AskInput {
  jobId: string;
  accountId: string;
  message: string;
  conversation: string | null;
}

/** Validates an Ask request: a known account, a job id, a message that is not empty nor too long. */
export function parseAskRequest(request: chatV1.AskRequest, maxChars: number): AskInput {
  const jobId = (request.job_id ?? '').trim();
  const accountId = (request.account_id ?? '').trim();
  const message = (request.message ?? '').trim();
  const conversation = (request.conversation ?? '').trim();
  if (accountId === '') throw new ChatError('ANONYMOUS', 'chat needs an account: anonymous callers cannot chat');
  if (jobId === '') throw new ChatError('INVALID_ARGUMENT', 'job_id is required');
  if (message === '') throw new ChatError('INVALID_MESSAGE', 'message is empty');
  if ([...message].length > maxChars) {
    throw new ChatError('INVALID_MESSAGE', `message is ${[...message].length} characters long; the limit is ${maxChars}`);
  }
  if (conversation !== '' && !UUID.test(conversation)) {
    throw new ChatError('CONVERSATION_NOT_FOUND', `conversation ${conversation} does not exist for this job`);
  }
  return { jobId, accountId, message, conversation: conversation === '' ? null : conversation };
}

export function parseHistoryRequest(request: chatV1.GetHistoryRequest): { jobId: string; accountId: string } {
  const jobId = (request.job_id ?? '').trim();
  const accountId = (request.account_id ?? '').trim();
  if (accountId === '') throw new ChatError('ANONYMOUS', 'chat needs an account: anonymous callers cannot chat');
  if (jobId === '') throw new ChatError('INVALID_ARGUMENT', 'job_id is required');
  return { jobId, accountId };
}

export function mapMessage(m: StoredMessage): chatV1.ChatMessage {
  return {
    role: m.role,
    content: m.content,
    citations: m.citations.map((c) => ({ page: c.page, snippet: c.snippet, bbox: [...c.bbox] })),
    created_at: m.createdAt.toISOString(),
  };
}

export function mapConversation(c: StoredConversation): chatV1.Conversation {
  return { id: c.id, created_at: c.createdAt.toISOString(), messages: c.messages.map(mapMessage) };
}

import { z } from 'zod';
import type { Answerer, AnswerRequest } from './answerer';
import type { ChatCompletionMessage, ChatCompletions } from './chat-completions.client';
import { Answer, Chunk, Citation, declined } from './extractive.answerer';

/** Where the answerer reports that it fell back (PinoLogger fits). */
export interface AnswererLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface LlmAnswererOptions {
  /** How long one question may wait for the model, counted from `AnswerRequest.askedAt`. */
  timeoutMs: number;
}

/** Most text of retrieved lines sent to the model (a few thousand tokens). */
const MAX_CONTEXT_CHARS = 12_000;
/** Longest answer text kept from the model. */
const MAX_ANSWER_CHARS = 4_000;

const SYSTEM_PROMPT = `You answer questions about one document, using only the excerpts of its text given below (OCR output, grouped by page; "…" marks lines left out).
Reply with one JSON object and nothing else, in this form:
{"answer": "<the answer, in a sentence or two>", "citations": [{"page": <page number>, "quote": "<text copied exactly from that page's excerpt>"}]}
Rules:
- Use only the excerpts: no outside knowledge, no guesses.
- Every quote is copied character for character from the excerpt of the page you name (keep OCR mistakes as they are) and supports the answer. Prefer whole lines; a quote may run over consecutive lines.
- If the excerpts do not answer the question, reply {"answer": null, "citations": []}.
- Earlier messages of the conversation tell what a short follow-up question refers to.`;

/**
 * Answers with an operator-configured OpenAI-compatible model, from the same retrieved lines as the
 * extractive answerer: the model gets the lines (by page) and the conversation's earlier turns and
 * returns `{answer, citations: [{page, quote}]}`. Each quote must stand verbatim (up to whitespace)
 * in the retrieved lines of its page; it becomes one citation per line it covers, with that line's
 * box and the line's own text as snippet. Quotes that do not stand are dropped; a reply left
 * without any, or one that says the excerpts do not answer, is the plain decline. When the model
 * server fails (unreachable, an error, a timeout, a reply that is not such an object), the
 * fallback answers and a warning is logged.
 */
export class LlmAnswerer implements Answerer {
  constructor(
    private readonly model: ChatCompletions,
    private readonly fallback: Answerer,
    private readonly logger: AnswererLogger,
    private readonly options: LlmAnswererOptions,
  ) {}

  async answer(request: AnswerRequest): Promise<Answer> {
    const context = contextLines([...request.retrieved, ...request.leading]);
    if (context.length === 0) return declined(request.text);
    const remaining = request.askedAt + this.options.timeoutMs - Date.now();
    let content: string;
    try {
      if (remaining <= 0) throw new Error(`no time left of the ${this.options.timeoutMs} ms budget`);
      content = await this.model.complete(promptMessages(request, context), remaining);
    } catch (error) {
      return this.fallBack(request, (error as Error)?.message ?? String(error));
    }
    const reply = parseReply(content);
    if (reply === null) return this.fallBack(request, `the reply is not an {answer, citations} JSON object: ${JSON.stringify(content.slice(0, 200))}`);
    if (reply.answer === null) return declined(request.text);
    const citations = new Map<string, Citation>();
    for (const c of reply.citations) {
      for (const found of locateQuote(c.quote, c.page, context)) citations.set(`${found.page}\u0000${found.snippet}`, found);
    }
    if (citations.size === 0) return declined(request.text);
    return { content: reply.answer, citations: [...citations.values()] };
  }

  private fallBack(request: AnswerRequest, reason: string): Promise<Answer> {
    this.logger.warn({ reason }, 'the chat model endpoint failed; answering extractively');
    return this.fallback.answer(request);
  }
}

/** The retrieved lines without repeats or blanks, the best-ranked first up to the size limit, in document order. */
function contextLines(chunks: Chunk[]): Chunk[] {
  const kept = new Map<string, Chunk>();
  let size = 0;
  for (const c of chunks) {
    const key = `${c.page}:${c.seq}`;
    if (c.text.trim() === '' || kept.has(key)) continue;
    if (size + c.text.length > MAX_CONTEXT_CHARS) break;
    kept.set(key, c);
    size += c.text.length + 1;
  }
  return [...kept.values()].sort((a, b) => a.page - b.page || a.seq - b.seq);
}

/** The system prompt with the excerpts, the earlier turns, then the question. */
function promptMessages(request: AnswerRequest, context: Chunk[]): ChatCompletionMessage[] {
  const parts: string[] = [];
  let previous: Chunk | null = null;
  for (const c of context) {
    if (previous?.page !== c.page) parts.push(`${parts.length > 0 ? '\n' : ''}=== page ${c.page} ===`);
    else if (c.seq !== previous.seq + 1) parts.push('…');
    parts.push(c.text.trim());
    previous = c;
  }
  return [
    { role: 'system', content: `${SYSTEM_PROMPT}\n\nDocument excerpts:\n${parts.join('\n')}` },
    ...request.history.map((t) => ({ role: t.role, content: t.content })),
    { role: 'user', content: request.text },
  ];
}

const replyCitation = z.object({
  page: z.coerce.number().int().positive(),
  quote: z.string(),
});
const replySchema = z
  .object({
    answer: z.string().nullish(),
    citations: z.array(z.unknown()).nullish(),
    found: z.boolean().optional(),
  })
  .refine((r) => r.answer !== undefined || r.citations !== undefined, { message: 'neither answer nor citations' });

interface Reply {
  /** null when the model says the excerpts do not answer. */
  answer: string | null;
  citations: { page: number; quote: string }[];
}

/**
 * The model's reply as `{answer, citations}`, tolerating what models wrap around JSON (a code
 * fence, a `<think>` section, words before or after the object) and citations that name their
 * text `snippet` or `text` instead of `quote`; null when there is no such object.
 */
export function parseReply(content: string): Reply | null {
  const text = content.replace(/<think>[\s\S]*?<\/think>/gi, '').trim();
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text)?.[1];
  const candidates = [text, fenced, text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)];
  for (const candidate of candidates) {
    if (!candidate) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(candidate);
    } catch {
      continue;
    }
    const parsed = replySchema.safeParse(raw);
    if (!parsed.success) continue;
    const answer = parsed.data.answer?.trim() ?? '';
    const citations = (parsed.data.citations ?? []).flatMap((c) => {
      const item = c as Record<string, unknown> | null;
      const quote = item?.quote ?? item?.snippet ?? item?.text;
      const ok = replyCitation.safeParse({ page: item?.page, quote });
      return ok.success ? [ok.data] : [];
    });
    const says = parsed.data.found === false || answer === '' ? null : answer.slice(0, MAX_ANSWER_CHARS);
    return { answer: says, citations };
  }
  return null;
}

/** Text with every run of whitespace made one space, trimmed, and where each of its characters came from. */
function normalized(text: string): { text: string; from: number[] } {
  let out = '';
  const from: number[] = [];
  let gap = -1;
  for (let i = 0; i < text.length; i++) {
    if (/\s/.test(text[i]!)) {
      if (gap < 0 && out.length > 0) gap = i;
      continue;
    }
    if (gap >= 0) {
      out += ' ';
      from.push(gap);
      gap = -1;
    }
    out += text[i];
    from.push(i);
  }
  return { text: out, from };
}

/**
 * Where a quote stands in the given lines of its page, up to whitespace (a quote may run over
 * consecutive lines): one citation per line it covers, whose snippet is the covered part of the
 * line exactly as it stands and whose box is the line's. Empty when it does not stand there, or
 * is too short to be evidence (fewer than two letters or digits).
 */
export function locateQuote(quote: string, page: number, lines: Chunk[]): Citation[] {
  const wanted = normalized(quote).text;
  if ((wanted.match(/[\p{L}\p{N}]/gu) ?? []).length < 2) return [];
  const onPage = lines.filter((c) => c.page === page).sort((a, b) => a.seq - b.seq);
  // Runs of consecutive lines: a quote never spans a gap of lines left out.
  const runs: Chunk[][] = [];
  for (const c of onPage) {
    const run = runs[runs.length - 1];
    if (run && run[run.length - 1]!.seq + 1 === c.seq) run.push(c);
    else runs.push([c]);
  }
  for (const run of runs) {
    const joined = run.map((c) => c.text).join('\n');
    const n = normalized(joined);
    const at = n.text.indexOf(wanted);
    if (at < 0) continue;
    const start = n.from[at]!;
    const end = n.from[at + wanted.length - 1]! + 1;
    const citations: Citation[] = [];
    let lineStart = 0;
    for (const line of run) {
      const lineEnd = lineStart + line.text.length;
      if (start < lineEnd && end > lineStart) {
        const snippet = line.text.slice(Math.max(start, lineStart) - lineStart, Math.min(end, lineEnd) - lineStart).trim();
        if (snippet !== '') citations.push({ page, snippet, bbox: [...line.bbox] });
      }
      lineStart = lineEnd + 1;
    }
    return citations;
  }
  return [];
}

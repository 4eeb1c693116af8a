import { Inject, Injectable } from '@nestjs/common';
import { chatV1 } from '@ocr/proto';
import { ChatError } from '../errors/chat.error';
import { mapConversation, mapMessage, parseAskRequest, parseHistoryRequest, parseIndexRequest } from './chat.dto';
import { ChatRepository } from './chat.repository';
import { ANSWERER, Answerer, Turn } from './answerer';
import { Answer, Chunk, declined } from './extractive.answerer';
import { analyzeQuestion, Intent, Question, specificTerms } from './question';

export const CHAT_OPTIONS = Symbol('CHAT_OPTIONS');
export interface ChatOptions {
  maxMessageChars: number;
}

/** POSIX patterns (for Postgres `~*`) that find candidate lines for what a question asks for. */
const SQL_PATTERNS: Partial<Record<Intent, string>> = {
  amount: '[0-9][.,][0-9]{2}([^0-9]|$)',
  date: '[0-9]{1,2} ?[/.-] ?[0-9]{1,2} ?[/.-] ?[0-9]{2,4}|[0-9]{4} ?[/.-] ?[0-9]{1,2} ?[/.-] ?[0-9]{1,2}|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.? ',
  address: '(jalan|jln|road|street|avenue|lorong|taman)|[0-9]{5}',
};

/** Lines from the top of the first page that the issuer and address questions look at. */
const LEADING_LINES = 20;
/** Earlier messages of a conversation handed to the answerer (three exchanges). */
const HISTORY_MESSAGES = 6;

@Injectable()
export class ChatService {
  constructor(
    private readonly repo: ChatRepository,
    @Inject(ANSWERER) private readonly answerer: Answerer,
    @Inject(CHAT_OPTIONS) private readonly options: ChatOptions,
  ) {}

  async indexJob(request: chatV1.IndexJobRequest): Promise<chatV1.IndexJobResponse> {
    const job = parseIndexRequest(request);
    // Anonymous jobs cannot be chatted with, so nothing of theirs is kept.
    if (job.accountId === '') return { chunks: 0 };
    await this.repo.replaceJob(job);
    return { chunks: job.chunks.length };
  }

  async ask(request: chatV1.AskRequest): Promise<chatV1.AskResponse> {
    const askedAt = Date.now();
    const input = parseAskRequest(request, this.options.maxMessageChars);
    const owner = await this.repo.jobOwner(input.jobId);
    if (owner === null || owner !== input.accountId) {
      throw new ChatError('JOB_NOT_FOUND', `job ${input.jobId} is not indexed for chat (unknown, unfinished, or not yours)`);
    }
    let conversation = input.conversation;
    if (conversation !== null) {
      const found = await this.repo.conversation(conversation);
      if (!found || found.jobId !== input.jobId || found.accountId !== input.accountId) {
        throw new ChatError('CONVERSATION_NOT_FOUND', `conversation ${conversation} does not exist for this job`);
      }
    }
    const history: Turn[] = conversation === null ? [] : await this.repo.recentMessages(conversation, HISTORY_MESSAGES);
    const asked = { text: input.message, history, askedAt };
    let answer = await this.answer(input.jobId, asked, analyzeQuestion(input.message));
    // An elliptical follow-up ("and his name?") may lean on the question before it; one that names
    // something of its own ("what is the name of the pilot?") that the document lacks may not.
    if (answer.citations.length === 0 && conversation !== null && specificTerms(analyzeQuestion(input.message)).length === 0) {
      const previous = history.filter((t) => t.role === 'user').pop()?.content;
      if (previous) {
        const now = analyzeQuestion(input.message);
        const before = analyzeQuestion(previous);
        const merged: Question = {
          terms: [...new Set([...now.terms, ...before.terms])],
          intents: now.intents.size > 0 ? now.intents : before.intents,
        };
        const retry = await this.answer(input.jobId, asked, merged);
        if (retry.citations.length > 0) answer = retry;
      }
    }
    conversation ??= await this.repo.createConversation(input.jobId, input.accountId);
    const createdAt = await this.repo.addExchange(conversation, input.message, answer);
    return { conversation, message: mapMessage({ role: 'assistant', content: answer.content, citations: answer.citations, createdAt }) };
  }

  async getHistory(request: chatV1.GetHistoryRequest): Promise<chatV1.GetHistoryResponse> {
    const { jobId, accountId } = parseHistoryRequest(request);
    const owner = await this.repo.jobOwner(jobId);
    if (owner === null || owner !== accountId) {
      throw new ChatError('JOB_NOT_FOUND', `job ${jobId} is not indexed for chat (unknown, unfinished, or not yours)`);
    }
    const conversations = await this.repo.history(jobId, accountId);
    return { conversations: conversations.map(mapConversation) };
  }

  /**
   * Retrieves candidate lines, has the configured answerer answer from them, and keeps only the
   * citations that stand verbatim on their page (whichever answerer wrote them); an answer left
   * without any is the plain decline.
   */
  private async answer(jobId: string, asked: { text: string; history: Turn[]; askedAt: number }, question: Question): Promise<Answer> {
    const retrieved: Chunk[] = await this.repo.search(jobId, question.terms, 30);
    for (const intent of question.intents) {
      const pattern = SQL_PATTERNS[intent];
      if (pattern) retrieved.push(...(await this.repo.matching(jobId, pattern, 50)));
    }
    // Documents name their issuer and address at the top of the first page.
    const leading = question.intents.has('company') || question.intents.has('address') ? await this.repo.leadingLines(jobId, LEADING_LINES) : [];
    const answer = await this.answerer.answer({ ...asked, question, retrieved, leading });
    if (answer.citations.length === 0) return declined(asked.text);
    const pages = await this.repo.pageTexts(jobId, [...new Set(answer.citations.map((c) => c.page))]);
    const verified = answer.citations.filter((c) => c.snippet.trim() !== '' && pages.get(c.page)?.includes(c.snippet));
    if (verified.length === 0) return declined(asked.text);
    return { content: answer.content, citations: verified };
  }
}

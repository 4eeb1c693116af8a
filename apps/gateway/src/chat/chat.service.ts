import { Injectable } from '@nestjs/common';
import type { JobDocument } from '@ocr/documents';
import type { Caller } from '../billing/billing.repository';
import { DomainError } from '../common/domain-error';
import { JobService } from '../jobs/job.service';
import { AskDto, AskResponseDto, HistoryResponseDto, mapAnswer, mapHistory } from './chat.dto';
import { ChatRepository, JobNotIndexedError } from './chat.repository';

/**
 * Chat about a finished job, for its owner only: the gateway checks who asks and that the job is
 * theirs and done (from its own jobs table), the chat service answers.
 *
 * A job is indexed by the chat service when `ocr.jobs.finished` reaches it, a moment after the job
 * shows as done. A question asked in that moment (or after an event was lost) finds the job not
 * indexed; the gateway then indexes it on the spot with the job document it already holds, and
 * asks again. That needs no timing guess and no polling, and indexing is idempotent (it replaces,
 * one writer at a time), so racing the event consumer is harmless.
 */
@Injectable()
export class ChatService {
  constructor(
    private readonly jobs: JobService,
    private readonly chat: ChatRepository,
  ) {}

  async ask(uuid: string, body: AskDto, caller: Caller): Promise<AskResponseDto> {
    const accountId = accountOf(caller);
    const job = finished(await this.jobs.get(uuid, caller));
    const conversation = body.conversation?.trim() || null;
    try {
      return mapAnswer(await this.chat.ask(job.uuid, accountId, body.message, conversation));
    } catch (error) {
      if (!(error instanceof JobNotIndexedError)) throw error;
    }
    await this.chat.index(job, accountId);
    return mapAnswer(await this.chat.ask(job.uuid, accountId, body.message, conversation));
  }

  async history(uuid: string, caller: Caller): Promise<HistoryResponseDto> {
    const accountId = accountOf(caller);
    const job = finished(await this.jobs.get(uuid, caller));
    try {
      return mapHistory(job.uuid, await this.chat.history(job.uuid, accountId));
    } catch (error) {
      // Not indexed yet: nobody has asked anything (asking indexes it).
      if (error instanceof JobNotIndexedError) return { uuid: job.uuid, conversations: [] };
      throw error;
    }
  }
}

function accountOf(caller: Caller): string {
  if (!caller.account) throw new DomainError('unauthorized', 'Chat needs an account token: anonymous callers cannot chat.');
  return caller.account.id;
}

function finished(job: JobDocument): JobDocument {
  if (job.status === 'done') return job;
  if (job.status === 'failed') throw new DomainError('not_ready', 'The job failed: it has no text to chat about.');
  throw new DomainError('not_ready', `The job is ${job.status}; chat is available once it is done.`);
}

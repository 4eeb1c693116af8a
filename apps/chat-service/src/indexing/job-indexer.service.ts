import { jobArtifacts } from '@ocr/documents';
import { JobFinishedMessage, NonRetryableError } from '@ocr/messaging';
import { ChatError } from '../errors/chat.error';
import type { ChatService } from '../chat/chat.service';
import type { JobResultsRepository } from './job-results.repository';

/** What became of one `ocr.jobs.finished` event. */
export type IndexOutcome =
  | { kind: 'indexed'; chunks: number }
  | { kind: 'skipped'; reason: 'anonymous' | 'failed' | 'expired' };

/**
 * Indexes each finished account job from its document in object storage. Anonymous jobs cannot be
 * chatted with and failed jobs have no text, so both are skipped; a document that is gone (results
 * expired) is skipped too. Indexing replaces what was there, so a redelivered event is harmless.
 * A document that is not a valid finished job is a NonRetryableError (retrying cannot fix it);
 * storage or database failures are thrown as they are, to be retried.
 */
export class JobIndexer {
  constructor(
    private readonly results: Pick<JobResultsRepository, 'read'>,
    private readonly chat: Pick<ChatService, 'indexJob'>,
  ) {}

  async onJobFinished(event: JobFinishedMessage): Promise<IndexOutcome> {
    if (event.account_id === null || event.account_id === '') return { kind: 'skipped', reason: 'anonymous' };
    if (event.status !== 'done') return { kind: 'skipped', reason: 'failed' };
    const json = await this.results.read(event.result_key ?? jobArtifacts.result(event.job_id));
    if (json === null) return { kind: 'skipped', reason: 'expired' };
    try {
      const { chunks } = await this.chat.indexJob({ job_json: json, account_id: event.account_id });
      return { kind: 'indexed', chunks };
    } catch (error) {
      if (error instanceof ChatError) {
        throw new NonRetryableError(`job ${event.job_id} cannot be indexed: ${error.code}: ${error.message}`, { cause: error });
      }
      throw error;
    }
  }
}

import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { JobDocument } from '@ocr/documents';
import { chatV1 } from '@ocr/proto';
import { firstValueFrom, Observable, timeout } from 'rxjs';
import { DomainError } from '../common/domain-error';

export const CHAT_CLIENT = Symbol('CHAT_CLIENT');

/** How long one call to the chat service may take (an answer is milliseconds; indexing a long job, seconds). */
const CALL_TIMEOUT_MS = 30_000;

/** The chat service does not know the job (yet): it has not indexed it. A 404 unless the caller indexes it. */
export class JobNotIndexedError extends DomainError {
  constructor(detail: string) {
    super('not_found', detail);
    this.name = 'JobNotIndexedError';
  }
}

/** The gateway's only door to the chat service: gRPC calls, their failures mapped to domain errors. */
@Injectable()
export class ChatRepository implements OnModuleInit {
  private service!: chatV1.ChatServiceClient;

  constructor(@Inject(CHAT_CLIENT) private readonly client: ClientGrpc) {}

  onModuleInit(): void {
    this.service = this.client.getService<chatV1.ChatServiceClient>(chatV1.CHAT_SERVICE_NAME);
  }

  ask(jobId: string, accountId: string, message: string, conversation: string | null): Promise<chatV1.AskResponse> {
    return call(this.service.ask({ job_id: jobId, account_id: accountId, message, conversation: conversation ?? '' }));
  }

  history(jobId: string, accountId: string): Promise<chatV1.GetHistoryResponse> {
    return call(this.service.getHistory({ job_id: jobId, account_id: accountId }));
  }

  /** (Re)indexes a finished job; returns the number of line chunks stored. */
  async index(job: JobDocument, accountId: string): Promise<number> {
    const res = await call(this.service.indexJob({ job_json: JSON.stringify(job), account_id: accountId }));
    return res.chunks;
  }
}

/** `JOB_NOT_FOUND: job … is not indexed` → the code and the message meant for the caller. */
function splitDetails(details: string): { code: string; message: string } {
  const m = /^([A-Z_]+): (.*)$/s.exec(details);
  return m ? { code: m[1]!, message: m[2]! } : { code: '', message: details };
}

/**
 * One gRPC call with a deadline. INVALID_ARGUMENT → 400, UNAUTHENTICATED → 401, NOT_FOUND → 404
 * (a job the service has not indexed → JobNotIndexedError), FAILED_PRECONDITION → 409,
 * UNAVAILABLE and timeouts → 503; anything else is rethrown (500 with an error id).
 */
export async function call<T>(obs: Observable<T>): Promise<T> {
  try {
    return await firstValueFrom(obs.pipe(timeout(CALL_TIMEOUT_MS)));
  } catch (e) {
    const code = (e as { code?: number }).code;
    const { code: chatCode, message } = splitDetails((e as { details?: string }).details ?? '');
    switch (code) {
      case GrpcStatus.INVALID_ARGUMENT:
        throw new DomainError('bad_parameter', message || 'Invalid chat request.');
      case GrpcStatus.UNAUTHENTICATED:
        throw new DomainError('unauthorized', 'Chat needs an account token.');
      case GrpcStatus.NOT_FOUND:
        if (chatCode === 'CONVERSATION_NOT_FOUND') throw new DomainError('not_found', 'No such conversation for this job.');
        throw new JobNotIndexedError(message || 'The job is not indexed for chat.');
      case GrpcStatus.FAILED_PRECONDITION:
        throw new DomainError('not_ready', message || 'The job is not finished.');
      case GrpcStatus.UNAVAILABLE:
      case GrpcStatus.DEADLINE_EXCEEDED:
        throw new DomainError('unavailable', 'The chat service is not reachable; try again shortly.');
    }
    if ((e as Error)?.name === 'TimeoutError') throw new DomainError('unavailable', 'The chat service did not answer in time; try again shortly.');
    throw e;
  }
}

/** Domain error codes of the chat service; the gRPC filter maps each to a status code. */
export type ChatErrorCode =
  | 'INVALID_JOB_JSON'
  | 'INVALID_JOB_DOCUMENT'
  | 'JOB_NOT_FINISHED'
  | 'INVALID_MESSAGE'
  | 'INVALID_ARGUMENT'
  | 'ANONYMOUS'
  | 'JOB_NOT_FOUND'
  | 'CONVERSATION_NOT_FOUND';

/** An expected failure with a code and a message meant for the caller. */
export class ChatError extends Error {
  constructor(
    readonly code: ChatErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ChatError';
  }
}

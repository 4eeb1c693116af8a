import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { DomainError } from './domain-error';

const HTTP_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

/**
 * Every error leaves the gateway as the contract's JSON body `{detail, code}`.
 * Domain errors keep their code; Nest/Express HTTP errors (unknown route, body too large,
 * malformed multipart) keep their status; anything else is a 500 whose error id is logged.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    if (res.headersSent) {
      res.destroy(); // a streamed body broke midway: cut the connection (as Express's finalhandler does) rather than hang
      return;
    }

    if (exception instanceof DomainError) {
      res.status(exception.status).json({ detail: exception.message, code: exception.code, ...exception.extra });
      return;
    }
    const status = httpStatusOf(exception);
    if (status === 413) {
      if (req.is('multipart/form-data')) {
        // The upload hit the body limit while streaming in: the contract's "file too large" (400).
        res.status(400).json({ detail: 'The file is larger than this server accepts.', code: 'file_too_large' });
      } else {
        res.status(413).json({ detail: 'The request body is larger than this server accepts.', code: 'payload_too_large' });
      }
      return;
    }
    if (status === 400 && isJsonParseFailure(exception)) {
      res.status(400).json({ detail: `The request body is not valid JSON (${(exception as Error).message}).`, code: 'bad_request' });
      return;
    }
    if (status !== undefined && status < 500) {
      const field = unexpectedFileField(exception);
      const detail = field === undefined ? httpDetailOf(exception, status) : `Unexpected file field ${JSON.stringify(field)}: send the document in the multipart field "file".`;
      res.status(status).json({ detail, code: HTTP_CODES[status] ?? 'error' });
      return;
    }
    const errorId = randomUUID();
    this.logger.error({
      msg: 'unexpected failure',
      error_id: errorId,
      method: req.method,
      path: req.path,
      err: exception instanceof Error ? { message: exception.message, stack: exception.stack } : String(exception),
    });
    res.status(500).json({ detail: `Internal error (error id ${errorId}).`, code: 'internal', error_id: errorId });
  }
}

/** body-parser's error for malformed JSON, as it comes (raw) or as Nest's adapter wraps it (its cause). */
function isJsonParseFailure(e: unknown): boolean {
  const parseFailed = (x: unknown) => (x as { type?: unknown } | undefined)?.type === 'entity.parse.failed';
  return parseFailed(e) || parseFailed((e as { cause?: unknown } | undefined)?.cause);
}

function httpStatusOf(e: unknown): number | undefined {
  if (e instanceof HttpException) return e.getStatus();
  // body-parser / multer errors carry a status (413 for too large, 400 for malformed).
  const s = (e as { status?: unknown; statusCode?: unknown })?.status ?? (e as { statusCode?: unknown })?.statusCode;
  return typeof s === 'number' && s >= 400 && s < 600 ? s : undefined;
}

function httpDetailOf(e: unknown, status: number): string {
  if (e instanceof HttpException) {
    const r = e.getResponse();
    if (typeof r === 'string') return r;
    const m = (r as { message?: unknown }).message;
    if (Array.isArray(m)) return m.join('; ');
    if (typeof m === 'string') return m;
  }
  if (status === 413) return 'The file is larger than this server accepts.';
  return e instanceof Error ? e.message : 'Bad request.';
}

/** A file sent in another multipart field than `file` (multer's LIMIT_UNEXPECTED_FILE, kept by Nest as the cause). */
function unexpectedFileField(e: unknown): string | undefined {
  const cause = (e as { cause?: { code?: unknown; field?: unknown } } | undefined)?.cause;
  return cause?.code === 'LIMIT_UNEXPECTED_FILE' && typeof cause.field === 'string' ? cause.field : undefined;
}

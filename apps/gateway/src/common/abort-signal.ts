import type { Request } from 'express';

/** Aborts when the client goes away before its response was sent (stops an inline wait early). */
export function abortSignalOf(req: Request): AbortSignal {
  const controller = new AbortController();
  req.socket.once('close', () => controller.abort());
  return controller.signal;
}

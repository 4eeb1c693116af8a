import { Injectable } from '@nestjs/common';

/**
 * Wakes requests that wait inline for their job (≤ 5 pages). Finished-job events reach every
 * gateway replica (a plain NATS subscription), so a request is woken on whichever replica holds it.
 */
@Injectable()
export class JobWaiter {
  private readonly waiting = new Map<string, Set<() => void>>();

  /** Resolves when `notify(jobId)` is called or after timeoutMs, whichever comes first. */
  wait(jobId: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiting.get(jobId) ?? new Set();
      this.waiting.set(jobId, set);
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        set.delete(done);
        if (set.size === 0) this.waiting.delete(jobId);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done);
      set.add(done);
    });
  }

  notify(jobId: string): void {
    for (const wake of [...(this.waiting.get(jobId) ?? [])]) wake();
  }

  get size(): number {
    return this.waiting.size;
  }
}

import { Injectable } from '@nestjs/common';

export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

/** What readiness looks at; the worker module registers its real dependencies here at boot. */
@Injectable()
export class WorkerState {
  private readonly checks: ReadinessCheck[] = [];
  pagesDone = 0;
  pagesFailed = 0;

  register(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  async readiness(): Promise<{ status: 'ok' | 'unavailable'; checks: Record<string, { ok: boolean; error?: string }>; pages_done: number; pages_failed: number }> {
    const results = await Promise.all(
      this.checks.map(async (c) => {
        try {
          await Promise.race([c.check(), new Promise((_, r) => setTimeout(() => r(new Error('timed out')), 2000))]);
          return [c.name, { ok: true }] as const;
        } catch (e) {
          return [c.name, { ok: false, error: (e as Error).message }] as const;
        }
      }),
    );
    const ok = results.length > 0 && results.every(([, r]) => r.ok);
    return { status: ok ? 'ok' : 'unavailable', checks: Object.fromEntries(results), pages_done: this.pagesDone, pages_failed: this.pagesFailed };
  }
}

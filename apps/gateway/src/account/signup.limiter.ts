import { DomainError } from '../common/domain-error';

const WINDOW_MS = 3600_000;
/** Past this many remembered IPs, expired windows are dropped (memory stays bounded by the traffic of one hour). */
const PRUNE_AT = 10_000;

/**
 * Sign-ups per client IP: at most SIGNUP_RATE_LIMIT an hour (a fixed window per IP), then 429.
 * Kept in memory, so the limit holds per gateway replica; a proxy in front can add a global one.
 */
export class SignupLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  /** `limit` sign-ups per IP per hour (0: no limit); `now` is the clock. */
  constructor(
    private readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one sign-up attempt of `ip`; throws `rate_limited` (429) past the limit. */
  take(ip: string): void {
    const limit = this.limit;
    if (limit === 0) return;
    const now = this.now();
    if (this.windows.size >= PRUNE_AT) this.prune(now);
    let w = this.windows.get(ip);
    if (!w || now - w.start >= WINDOW_MS) {
      w = { start: now, count: 0 };
      this.windows.set(ip, w);
    }
    if (w.count >= limit) {
      const retryAfter = Math.ceil((w.start + WINDOW_MS - now) / 1000);
      throw new DomainError('rate_limited', `Too many sign-ups from this address; try again in ${Math.ceil(retryAfter / 60)} minutes.`, {
        retry_after: retryAfter,
      });
    }
    w.count++;
  }

  private prune(now: number): void {
    for (const [ip, w] of this.windows) if (now - w.start >= WINDOW_MS) this.windows.delete(ip);
  }
}

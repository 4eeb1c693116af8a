import { DomainError } from '../common/domain-error';
import { SignupLimiter } from './signup.limiter';

function refusal(fn: () => void): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe(SignupLimiter.name, () => {
  let now: number;
  const clock = () => now;

  beforeEach(() => {
    now = Date.parse('2026-11-25T10:00:00Z');
  });

  it('lets an IP sign up `limit` times an hour, then refuses with 429 and when to retry', () => {
    const sut = new SignupLimiter(3, clock);
    for (let i = 0; i < 3; i++) sut.take('203.0.113.7');
    now += 20 * 60_000;
    const e = refusal(() => sut.take('203.0.113.7'));
    expect(e.code).toBe('rate_limited');
    expect(e.status).toBe(429);
    expect(e.extra).toEqual({ retry_after: 40 * 60 });
    expect(e.message).toContain('40 minutes');
  });

  it('counts each IP on its own', () => {
    const sut = new SignupLimiter(1, clock);
    sut.take('203.0.113.7');
    expect(() => sut.take('198.51.100.4')).not.toThrow();
    expect(() => sut.take('203.0.113.7')).toThrow(DomainError);
  });

  it('opens a new window an hour after the first sign-up of the last one', () => {
    const sut = new SignupLimiter(1, clock);
    sut.take('203.0.113.7');
    now += 3600_000 - 1;
    expect(() => sut.take('203.0.113.7')).toThrow(DomainError);
    now += 1;
    expect(() => sut.take('203.0.113.7')).not.toThrow();
  });

  it('never refuses with a limit of 0', () => {
    const sut = new SignupLimiter(0, clock);
    for (let i = 0; i < 1000; i++) sut.take('203.0.113.7');
  });

  it('forgets expired windows once it remembers many IPs, and still counts the live ones', () => {
    const sut = new SignupLimiter(1, clock);
    sut.take('10.0.0.1');
    now += 3600_000;
    for (let i = 0; i < 10_000; i++) sut.take(`10.1.${i >> 8}.${i & 255}`);
    expect(sut['windows'].has('10.0.0.1')).toBe(false);
    expect(sut['windows'].size).toBe(10_000);
    expect(() => sut.take('10.1.0.0')).toThrow(DomainError);
  });
});

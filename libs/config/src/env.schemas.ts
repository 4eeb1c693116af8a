import { z } from 'zod';
import { parseBoolean, parseBytes, parseDuration } from './units';

/**
 * Zod schemas for single environment variables. Each takes the raw string and yields a typed
 * value, with a message that says what was expected (and, except for URLs and secrets, what was
 * found). Use `.default(value)` (the default is the parsed type) or `.optional()`.
 *
 *   const schema = z.object({ PORT: env.port().default(3000), NATS_URL: env.url({ protocols: ['nats'] }) });
 */

function shown(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

function parsed<T>(expected: string, parse: (text: string) => T | null, echo = true) {
  return z.string().transform((text, ctx): T => {
    const value = parse(text);
    if (value === null) {
      ctx.addIssue({ code: 'custom', message: echo ? `must be ${expected}, got ${shown(text)}` : `must be ${expected}` });
      return z.NEVER;
    }
    return value;
  });
}

function integer(text: string, min: number, max: number): number | null {
  if (!/^-?\d+$/.test(text.trim())) return null;
  const n = Number(text.trim());
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : null;
}

/** A TCP port, 1–65535. */
function port() {
  return parsed('a TCP port (an integer from 1 to 65535)', (t) => integer(t, 1, 65535));
}

/** An integer ≥ 1. */
function positiveInt() {
  return parsed('a positive integer', (t) => integer(t, 1, Number.MAX_SAFE_INTEGER));
}

/** An integer within [min, max]. */
function int(opts: { min?: number; max?: number } = {}) {
  const min = opts.min ?? Number.MIN_SAFE_INTEGER;
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  const range =
    opts.min !== undefined && opts.max !== undefined
      ? ` from ${min} to ${max}`
      : opts.min !== undefined
        ? ` ≥ ${min}`
        : opts.max !== undefined
          ? ` ≤ ${max}`
          : '';
  return parsed(`an integer${range}`, (t) => integer(t, min, max));
}

/** A number (decimals allowed) within [min, max]. */
function number(opts: { min?: number; max?: number } = {}) {
  return parsed(`a number${opts.min !== undefined ? ` ≥ ${opts.min}` : ''}${opts.max !== undefined ? ` ≤ ${opts.max}` : ''}`, (t) => {
    if (!/^-?\d+(\.\d+)?$/.test(t.trim())) return null;
    const n = Number(t);
    if (opts.min !== undefined && n < opts.min) return null;
    if (opts.max !== undefined && n > opts.max) return null;
    return n;
  });
}

/**
 * An absolute URL, optionally restricted to some schemes (given without the colon, e.g.
 * `['postgres', 'postgresql']`). The value is never echoed in the message: URLs carry passwords.
 */
function url(opts: { protocols?: readonly string[] } = {}) {
  const allowed = opts.protocols?.map((p) => p.replace(/:$/, '').toLowerCase());
  const expected = allowed ? `a URL with scheme ${allowed.map((p) => `${p}://`).join(' or ')}` : 'an absolute URL';
  return parsed(
    expected,
    (t) => {
      if (!URL.canParse(t.trim())) return null;
      const u = new URL(t.trim());
      if (allowed && !allowed.includes(u.protocol.replace(/:$/, ''))) return null;
      return t.trim();
    },
    false,
  );
}

/** A byte size such as `50mb`, `1.5 GB`, `512kb` or `1048576` (binary units). Yields bytes. */
function bytes(opts: { min?: number; max?: number } = {}) {
  return parsed('a byte size such as 50mb, 512kb or 1048576', (t) => {
    const n = parseBytes(t);
    if (n === null) return null;
    if (opts.min !== undefined && n < opts.min) return null;
    if (opts.max !== undefined && n > opts.max) return null;
    return n;
  });
}

/** A duration such as `24h`, `30s`, `1h30m`, `500ms`, `7d` or `1500` (ms). Yields milliseconds. */
function duration(opts: { min?: number; max?: number } = {}) {
  return parsed('a duration such as 30s, 15m, 24h or 7d', (t) => {
    const n = parseDuration(t);
    if (n === null) return null;
    if (opts.min !== undefined && n < opts.min) return null;
    if (opts.max !== undefined && n > opts.max) return null;
    return n;
  });
}

/** `true/false`, `1/0`, `yes/no`, `on/off`. */
function boolean() {
  return parsed('a boolean (true/false, 1/0, yes/no, on/off)', parseBoolean);
}

/** One of the given values, matched exactly (case-sensitive). */
function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return parsed(`one of ${values.join(', ')}`, (t): T[number] | null =>
    (values as readonly string[]).includes(t.trim()) ? (t.trim() as T[number]) : null,
  );
}

/** Any non-empty text (trimmed). */
function string() {
  return parsed('a non-empty string', (t) => (t.trim() === '' ? null : t.trim()));
}

/** A secret (token, password): non-empty; never echoed in messages. */
function secret(opts: { minLength?: number } = {}) {
  const min = opts.minLength ?? 1;
  return parsed(min > 1 ? `a secret of at least ${min} characters` : 'a non-empty secret', (t) => (t.length >= min ? t : null), false);
}

/** A comma-separated list of non-empty items, e.g. `nats://a:4222,nats://b:4222`. */
function list() {
  return parsed('a comma-separated list', (t) => {
    const items = t.split(',').map((s) => s.trim()).filter((s) => s !== '');
    return items.length > 0 ? items : null;
  });
}

/**
 * A listen address `host:port` (a name, IPv4 or `[IPv6]`, and a port up to 65535), as gRPC
 * servers bind. `example` is shown in the message, e.g. `0.0.0.0:50051`.
 */
function hostPort(opts: { example: string }) {
  return string().refine((v) => /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/.test(v) && Number(v.split(':').pop()) <= 65535, {
    message: `expected host:port, e.g. ${opts.example}`,
  });
}

export const env = { port, positiveInt, int, number, url, bytes, duration, boolean, oneOf, string, secret, list, hostPort };

/** Parsers for the human-friendly units operators write in env vars. Pure functions. */

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1024,
  k: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  tb: 1024 ** 4,
  t: 1024 ** 4,
  tib: 1024 ** 4,
};

/**
 * `50mb` → 52428800. Units are binary (1 kb = 1024 bytes, as in nginx and Express' body limits),
 * case-insensitive, optional space, decimals allowed (`1.5gb`); a bare number is bytes.
 * Returns null when the text is not a byte size.
 */
export function parseBytes(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  if (!match) return null;
  const factor = BYTE_UNITS[match[2]!.toLowerCase()];
  if (factor === undefined) return null;
  const bytes = Math.round(Number(match[1]) * factor);
  return Number.isSafeInteger(bytes) ? bytes : null;
}

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * `24h` → 86400000 (milliseconds). Accepts `ms s m h d w`, compounds like `1h30m`, decimals
 * (`1.5h`); a bare number is milliseconds. Returns null when the text is not a duration.
 */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim().toLowerCase();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const part = /(\d+(?:\.\d+)?)\s*(ms|sec|min|s|m|h|d|w)/gy;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = part.exec(trimmed)) !== null) {
    total += Number(match[1]) * DURATION_UNITS[match[2]!]!;
    consumed = part.lastIndex;
    while (trimmed[part.lastIndex] === ' ') part.lastIndex++;
  }
  if (consumed === 0 || consumed !== trimmed.length) return null;
  const ms = Math.round(total);
  return Number.isSafeInteger(ms) ? ms : null;
}

const TRUE = new Set(['true', '1', 'yes', 'y', 'on']);
const FALSE = new Set(['false', '0', 'no', 'n', 'off']);

/** `true/1/yes/on` and `false/0/no/off`, case-insensitive; null otherwise. */
export function parseBoolean(text: string): boolean | null {
  const lower = text.trim().toLowerCase();
  if (TRUE.has(lower)) return true;
  if (FALSE.has(lower)) return false;
  return null;
}

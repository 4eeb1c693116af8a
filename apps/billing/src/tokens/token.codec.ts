import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every API token starts with this, so leaked tokens are easy to recognise (and to scan for). */
export const TOKEN_PREFIX = 'ocr_';
const TOKEN_PATTERN = /^ocr_[A-Za-z0-9_-]{43}$/;

/** A new random token: the prefix and 32 random bytes in base64url (47 characters). */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** True when the text has the shape of a token this service issues. */
export function looksLikeToken(text: string): boolean {
  return TOKEN_PATTERN.test(text);
}

/** SHA-256 of the token text: the only form in which tokens are stored. */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Constant-time comparison of two token hashes. */
export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

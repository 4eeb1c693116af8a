/**
 * TRUST_PROXY as Express's "trust proxy" setting: unset → trust no proxy (the socket's address is
 * the client, and X-Forwarded-For is ignored); a number → that many hops; `true`; otherwise
 * Express's address list syntax (`loopback`, `10.0.0.0/8`, …).
 */
export function trustProxySetting(value: string | undefined): boolean | number | string {
  if (!value) return false;
  if (/^\d+$/.test(value)) return Number(value);
  if (value === 'true') return true;
  return value;
}

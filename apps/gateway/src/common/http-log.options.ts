import type { Options } from 'pino-http';

/** Query parameters that carry a secret (the contract's `?api_token=`). */
const SECRET_PARAMS = ['api_token'];

/** The URL with the value of every secret query parameter replaced by `[Redacted]`. */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url || !url.includes('?')) return url;
  const [path, query] = [url.slice(0, url.indexOf('?')), url.slice(url.indexOf('?') + 1)];
  const params = query.split('&').map((pair) => {
    const name = decodeURIComponentSafe(pair.split('=')[0]!);
    return SECRET_PARAMS.includes(name.toLowerCase()) ? `${pair.split('=')[0]}=[Redacted]` : pair;
  });
  return `${path}?${params.join('&')}`;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/**
 * The gateway's request log: one JSON line per request, health probes left out, and no token in
 * it, whether sent as `Authorization: Bearer …` or as `?api_token=…` (in the query and in the URL).
 */
export function httpLogOptions(level: string): Options {
  return {
    level,
    base: { service: 'gateway' },
    autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
    redact: ['req.headers.authorization', 'req.query.api_token'],
    serializers: {
      req: (req: { url?: string }) => ({ ...req, url: redactUrl(req.url) }),
    },
  };
}

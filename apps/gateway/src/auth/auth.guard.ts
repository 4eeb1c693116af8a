import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { BillingRepository } from '../billing/billing.repository';
import { DomainError } from '../common/domain-error';
import { CALLER_KEY } from './caller.decorator';

/**
 * Resolves the caller: `Authorization: Bearer <token>` or `?api_token=<token>` → billing
 * Authenticate (an unknown or revoked token is 401, never silently anonymous); no token at all →
 * anonymous, keyed by the client IP (Express computes `req.ip` from X-Forwarded-For only when
 * TRUST_PROXY names the proxy). Whether anonymous callers may do a thing is decided downstream.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly billing: BillingRepository) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<Request & Record<string, unknown>>();
    const token = tokenOf(req);
    const clientIp = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    req[CALLER_KEY] = { account: token === undefined ? null : await this.billing.authenticate(token), clientIp };
    return true;
  }
}

function tokenOf(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new DomainError('unauthorized', 'The Authorization header must be "Bearer <token>".');
    return m[1];
  }
  const q = req.query.api_token;
  if (typeof q === 'string' && q.length > 0) return q;
  if (q !== undefined) throw new DomainError('unauthorized', 'api_token must be a single non-empty value.');
  return undefined;
}

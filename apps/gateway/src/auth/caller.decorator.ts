import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Caller } from '../billing/billing.repository';

export const CALLER_KEY = 'ocrCaller';

/** The caller resolved by `AuthGuard` (an account, or anonymous with its client IP). */
export const CurrentCaller = createParamDecorator((_data: unknown, ctx: ExecutionContext): Caller => {
  const req = ctx.switchToHttp().getRequest<Request & { [CALLER_KEY]?: Caller }>();
  const caller = req[CALLER_KEY];
  if (!caller) throw new Error('CurrentCaller used on a route without AuthGuard');
  return caller;
});

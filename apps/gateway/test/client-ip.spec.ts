import { Controller, Get, INestApplication, UseGuards } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AuthGuard } from '../src/auth/auth.guard';
import { CurrentCaller } from '../src/auth/caller.decorator';
import { BillingRepository, Caller } from '../src/billing/billing.repository';
import { trustProxySetting } from '../src/config/trust-proxy';

/** Echoes the caller the guard resolved, so the test sees which IP anonymous metering keys on. */
@Controller('whoami')
@UseGuards(AuthGuard)
class WhoAmIController {
  @Get()
  who(@CurrentCaller() caller: Caller): { ip: string } {
    return { ip: caller.clientIp };
  }
}

async function appWith(trustProxy: string | undefined): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    controllers: [WhoAmIController],
    providers: [AuthGuard, { provide: BillingRepository, useValue: {} }],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>();
  app.set('trust proxy', trustProxySetting(trustProxy));
  await app.init();
  return app;
}

describe('anonymous client IP', () => {
  it('ignores X-Forwarded-For unless a trusted proxy is configured (a caller cannot pick its own bucket)', async () => {
    const app = await appWith(undefined);
    const res = await request(app.getHttpServer()).get('/whoami').set('X-Forwarded-For', '203.0.113.7');
    expect(res.body.ip).not.toBe('203.0.113.7');
    expect(res.body.ip).toMatch(/127\.0\.0\.1|::1/);
    await app.close();
  });

  it('takes the client from X-Forwarded-For behind a trusted proxy', async () => {
    const app = await appWith('loopback');
    const res = await request(app.getHttpServer()).get('/whoami').set('X-Forwarded-For', '203.0.113.7');
    expect(res.body.ip).toBe('203.0.113.7');
    await app.close();
  });

  it('reads TRUST_PROXY as Express does: unset, hop counts, true, address lists', () => {
    expect(trustProxySetting(undefined)).toBe(false);
    expect(trustProxySetting('2')).toBe(2);
    expect(trustProxySetting('true')).toBe(true);
    expect(trustProxySetting('10.0.0.0/8')).toBe('10.0.0.0/8');
  });
});

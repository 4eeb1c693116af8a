import { Inject, Injectable } from '@nestjs/common';
import { checkGrpcHealth, qualifiedServiceName } from '@ocr/proto';
import type { ObjectStore } from '@ocr/storage';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { JobRepository } from '../jobs/job.repository';
import { MessageBus } from '../messaging/message-bus';
import { OBJECT_STORE } from '../storage/upload.store';

export interface ReadinessReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, { ok: boolean; error?: string }>;
}

const TIMEOUT_MS = 2000;

@Injectable()
export class HealthService {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly jobs: JobRepository,
    private readonly bus: MessageBus,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
  ) {}

  async readiness(): Promise<ReadinessReport> {
    const checks = await Promise.all([
      check('postgres', () => this.jobs.ping()),
      check('nats', () => this.bus.ping()),
      check('storage', () => this.store.ping()),
      check('billing', async () => {
        const s = await checkGrpcHealth(this.config.billingGrpcUrl, qualifiedServiceName('billing'), TIMEOUT_MS);
        if (s !== 'SERVING') throw new Error(`billing is ${s}`);
      }),
    ]);
    const all = Object.fromEntries(checks);
    return { status: checks.every(([, c]) => c.ok) ? 'ok' : 'unavailable', checks: all };
  }
}

async function check(name: string, fn: () => Promise<void>): Promise<[string, { ok: boolean; error?: string }]> {
  try {
    await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), TIMEOUT_MS))]);
    return [name, { ok: true }];
  } catch (e) {
    return [name, { ok: false, error: (e as Error).message }];
  }
}

import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { type createHealth, setHealth } from '@ocr/proto';
import { BillingRepository } from '../billing/billing.repository';
import { BILLING_CONFIG, type BillingConfig } from '../config/billing.config';

/** Injection token of the gRPC health service registered beside BillingService. */
export const BILLING_HEALTH = Symbol('BILLING_HEALTH');

/** The standard gRPC health service (grpc-health-check's HealthImplementation). */
export type GrpcHealth = ReturnType<typeof createHealth>;

const PING_TIMEOUT_MS = 2_000;

/**
 * Keeps the gRPC health status true: SERVING only while the database answers a round trip,
 * checked at start-up and then every BILLING_HEALTH_INTERVAL.
 */
@Injectable()
export class HealthMonitor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(HealthMonitor.name);
  private timer: NodeJS.Timeout | undefined;
  private serving: boolean | undefined;

  constructor(
    private readonly repository: BillingRepository,
    @Inject(BILLING_HEALTH) private readonly health: GrpcHealth,
    @Inject(BILLING_CONFIG) private readonly config: BillingConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.config.BILLING_HEALTH_INTERVAL);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    setHealth(this.health, 'billing', 'NOT_SERVING');
  }

  /** Pings the database and sets the health status; true when it answered. */
  async check(): Promise<boolean> {
    let ok = true;
    let problem = '';
    try {
      await withTimeout(this.repository.ping(), PING_TIMEOUT_MS);
    } catch (error) {
      ok = false;
      problem = error instanceof Error ? error.message : String(error);
    }
    setHealth(this.health, 'billing', ok ? 'SERVING' : 'NOT_SERVING');
    if (ok !== this.serving) {
      if (ok) this.logger.log('database answers: SERVING');
      else this.logger.warn({ problem }, 'database does not answer: NOT_SERVING');
    }
    this.serving = ok;
    return ok;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

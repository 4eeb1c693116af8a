import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { BILLING_CONFIG, type BillingConfig } from '../config/billing.config';
import { BillingService } from './billing.service';

/**
 * Refunds reservations whose job never settled, every BILLING_SWEEP_INTERVAL. Several replicas
 * may sweep at once: locked rows are skipped, so each reservation is refunded once.
 */
@Injectable()
export class ExpirySweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ExpirySweeper.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly billing: BillingService,
    @Inject(BILLING_CONFIG) private readonly config: BillingConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.BILLING_SWEEP_INTERVAL);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One sweep; overlapping calls share the sweep in progress. */
  sweep(): Promise<void> {
    this.running ??= this.billing
      .sweepExpired()
      .then((n) => {
        if (n > 0) this.logger.log({ refunded: n }, 'expired reservations refunded');
      })
      .catch((error: unknown) => this.logger.error({ err: error }, 'sweep failed'))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}

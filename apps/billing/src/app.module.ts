import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { stdTimeFunctions } from 'pino';
import { BillingController } from './billing/billing.controller';
import { BillingRepository } from './billing/billing.repository';
import { BillingService } from './billing/billing.service';
import { Clock, SystemClock } from './billing/clock';
import { ExpirySweeper } from './billing/expiry.sweeper';
import { BILLING_CONFIG, type BillingConfig } from './config/billing.config';
import { billingDataSourceOptions } from './database/database.options';
import { MigrationStep } from './database/migration.step';
import { PgBillingRepository } from './database/pg-billing.repository';
import { GrpcExceptionFilter } from './grpc/grpc-exception.filter';
import { BILLING_HEALTH, GrpcHealth, HealthMonitor } from './health/health.monitor';

@Module({})
export class AppModule {
  /** The billing app on a validated config, reporting into `health`. */
  static register(config: BillingConfig, health: GrpcHealth): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: { level: config.LOG_LEVEL, base: { service: 'billing' }, timestamp: stdTimeFunctions.isoTime, autoLogging: false },
        }),
        TypeOrmModule.forRoot({ ...billingDataSourceOptions(config), retryAttempts: 3, retryDelay: 1000 }),
      ],
      controllers: [BillingController],
      providers: [
        { provide: BILLING_CONFIG, useValue: config },
        { provide: BILLING_HEALTH, useValue: health },
        { provide: Clock, useClass: SystemClock },
        { provide: BillingRepository, useClass: PgBillingRepository },
        { provide: APP_FILTER, useClass: GrpcExceptionFilter },
        MigrationStep,
        BillingService,
        ExpirySweeper,
        HealthMonitor,
      ],
    };
  }
}

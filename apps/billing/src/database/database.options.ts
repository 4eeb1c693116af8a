import type { DataSourceOptions } from 'typeorm';
import type { BillingConfig } from '../config/billing.config';
import { CreateBillingSchema1764300000000 } from './migrations/1764300000000-create-billing-schema';

/** Billing's Postgres schema; every table and the migrations table live in it. */
export const BILLING_SCHEMA = 'billing';

/** Every migration, oldest first. */
export const BILLING_MIGRATIONS = [CreateBillingSchema1764300000000];

export function billingDataSourceOptions(config: Pick<BillingConfig, 'DATABASE_URL' | 'BILLING_DB_POOL_SIZE'>): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
    schema: BILLING_SCHEMA,
    entities: [],
    migrations: BILLING_MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsRun: false, // MigrationStep runs them, under an advisory lock, at boot
    synchronize: false,
    logging: false,
    extra: { max: config.BILLING_DB_POOL_SIZE, application_name: 'ocr-billing' },
  };
}

import { env, EnvSource, FrozenConfig, loadConfig } from '@ocr/config';
import { z } from 'zod';

/**
 * Every environment variable billing reads, with its default. Validated once at boot by
 * `loadBillingConfig`; a bad or missing variable stops the process with one message naming all.
 */
export const billingConfigSchema = z.object({
  /** Postgres connection URL; billing keeps its tables in the schema `billing`. */
  DATABASE_URL: env.url({ protocols: ['postgres', 'postgresql'] }),
  /** host:port the gRPC server listens on. */
  BILLING_GRPC_URL: env.hostPort({ example: '0.0.0.0:50051' }).default('0.0.0.0:50051'),
  /** Credits one page costs on the cpu tier. */
  BILLING_COST_CPU: env.int({ min: 1, max: 1_000_000 }).default(1),
  /** Credits one page costs on the vlm tier. */
  BILLING_COST_VLM: env.int({ min: 1, max: 1_000_000 }).default(5),
  /** Credits (= cpu pages) an anonymous client IP may use per UTC day; 0 disables anonymous use. */
  BILLING_ANON_DAILY_PAGES: env.int({ min: 0, max: 1_000_000_000 }).default(10),
  /** Credits (= cpu pages) a free account may use per UTC calendar month. */
  BILLING_FREE_MONTHLY_PAGES: env.int({ min: 0, max: 1_000_000_000 }).default(100),
  /** Most pages one file may have, per plan. */
  BILLING_MAX_PAGES_ANONYMOUS: env.int({ min: 1, max: 1_000_000 }).default(5),
  BILLING_MAX_PAGES_FREE: env.int({ min: 1, max: 1_000_000 }).default(50),
  BILLING_MAX_PAGES_PAID: env.int({ min: 1, max: 1_000_000 }).default(2000),
  /** Queue priority per plan (0 is taken first). */
  BILLING_PRIORITY_PAID: env.int({ min: 0, max: 9 }).default(0),
  BILLING_PRIORITY_FREE: env.int({ min: 0, max: 9 }).default(1),
  BILLING_PRIORITY_ANONYMOUS: env.int({ min: 0, max: 9 }).default(2),
  /** How long a reservation is held before the sweeper refunds it (a job that never finished). */
  BILLING_RESERVATION_TTL: env.duration({ min: 1000 }).default(2 * 3_600_000),
  /** How often the sweeper looks for expired reservations. */
  BILLING_SWEEP_INTERVAL: env.duration({ min: 100 }).default(60_000),
  /** How often the gRPC health status is refreshed from a database round trip. */
  BILLING_HEALTH_INTERVAL: env.duration({ min: 100 }).default(5_000),
  /** Size of the Postgres connection pool. */
  BILLING_DB_POOL_SIZE: env.int({ min: 1, max: 200 }).default(10),
  /** pino log level. */
  LOG_LEVEL: env.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type BillingConfig = FrozenConfig<z.output<typeof billingConfigSchema>>;

/** Injection token of the validated config object. */
export const BILLING_CONFIG = Symbol('BILLING_CONFIG');

/** @throws ConfigError naming every bad variable. */
export function loadBillingConfig(source: EnvSource = process.env): BillingConfig {
  return loadConfig(billingConfigSchema, source);
}

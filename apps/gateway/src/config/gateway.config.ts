import { env, loadConfig } from '@ocr/config';
import { z } from 'zod';

/** Every variable the gateway reads, validated once at boot (a bad one stops it with one message). */
export const gatewayEnvSchema = z.object({
  HOST: env.string().default('0.0.0.0'),
  PORT: env.port().default(8080),
  DATABASE_URL: env.url({ protocols: ['postgres', 'postgresql'] }),
  NATS_URL: env.url({ protocols: ['nats', 'tls'] }).default('nats://127.0.0.1:4222'),
  /** Prefixes every NATS subject and stream, so several platforms (or test runs) share one server. */
  NATS_NAMESPACE: env.string().optional(),
  STORAGE_URL: env.string().default('./.data/storage'),
  BILLING_GRPC_URL: env.string().default('127.0.0.1:50051'),
  EXPORT_GRPC_URL: env.string().default('127.0.0.1:50052'),
  CHAT_GRPC_URL: env.string().default('127.0.0.1:50053'),
  MAX_UPLOAD_BYTES: env.bytes({ min: 1 }).default(50 * 1024 * 1024),
  MAX_PAGES_PER_FILE: env.positiveInt().default(2000),
  /** Pages with more pixels are refused from the header, before decoding (decompression bombs). */
  MAX_PAGE_PIXELS: env.positiveInt().default(100_000_000),
  INLINE_MAX_PAGES: env.int({ min: 0, max: 100 }).default(5),
  INLINE_TIMEOUT: env.duration({ min: 1000 }).default(120_000),
  RESULT_RETENTION: env.duration({ min: 1000 }).default(24 * 3600_000),
  RETENTION_SWEEP_INTERVAL: env.duration({ min: 1000 }).default(5 * 60_000),
  /**
   * The backstop for lost tasks: a job that got no page result for this long, while its tier's
   * queue holds no task (none waiting, none being read), has its pages still pending failed (and
   * refunded). Tasks a worker died on at every delivery are failed at once from JetStream's advisory;
   * this catches an advisory no gateway heard and a task lost before it was queued.
   */
  PAGE_STALL_TIMEOUT: env.duration({ min: 1000 }).default(30 * 60_000),
  /** Express "trust proxy": which proxies may set X-Forwarded-For (e.g. `loopback`, `10.0.0.0/8`, a hop count). */
  TRUST_PROXY: env.string().optional(),
  VLM_ENABLED: env.boolean().default(false),
  /** `POST /api/v1/accounts/` (self-service sign-up); `false` answers it 403 (accounts then come from the billing CLI). */
  SIGNUP_ENABLED: env.boolean().default(true),
  /** Sign-ups one client IP may make per hour on one gateway replica; `0` means no limit. */
  SIGNUP_RATE_LIMIT: env.int({ min: 0, max: 1_000_000 }).default(5),
  LOG_LEVEL: env.oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
});

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

export interface GatewayConfig {
  host: string;
  port: number;
  databaseUrl: string;
  natsUrl: string;
  natsNamespace: string | undefined;
  storageUrl: string;
  billingGrpcUrl: string;
  exportGrpcUrl: string;
  chatGrpcUrl: string;
  maxUploadBytes: number;
  maxPagesPerFile: number;
  maxPagePixels: number;
  inlineMaxPages: number;
  inlineTimeoutMs: number;
  resultRetentionMs: number;
  retentionSweepIntervalMs: number;
  pageStallTimeoutMs: number;
  trustProxy: string | undefined;
  vlmEnabled: boolean;
  signupEnabled: boolean;
  signupRateLimit: number;
  logLevel: string;
}

export function loadGatewayConfig(source: Record<string, string | undefined> = process.env): GatewayConfig {
  const e = loadConfig(gatewayEnvSchema, source);
  return Object.freeze({
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    natsUrl: e.NATS_URL,
    natsNamespace: e.NATS_NAMESPACE,
    storageUrl: e.STORAGE_URL,
    billingGrpcUrl: e.BILLING_GRPC_URL,
    exportGrpcUrl: e.EXPORT_GRPC_URL,
    chatGrpcUrl: e.CHAT_GRPC_URL,
    maxUploadBytes: e.MAX_UPLOAD_BYTES,
    maxPagesPerFile: e.MAX_PAGES_PER_FILE,
    maxPagePixels: e.MAX_PAGE_PIXELS,
    inlineMaxPages: e.INLINE_MAX_PAGES,
    inlineTimeoutMs: e.INLINE_TIMEOUT,
    resultRetentionMs: e.RESULT_RETENTION,
    retentionSweepIntervalMs: e.RETENTION_SWEEP_INTERVAL,
    pageStallTimeoutMs: e.PAGE_STALL_TIMEOUT,
    trustProxy: e.TRUST_PROXY,
    vlmEnabled: e.VLM_ENABLED,
    signupEnabled: e.SIGNUP_ENABLED,
    signupRateLimit: e.SIGNUP_RATE_LIMIT,
    logLevel: e.LOG_LEVEL,
  });
}

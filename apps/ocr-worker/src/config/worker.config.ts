import { env, loadConfig } from '@ocr/config';
import { z } from 'zod';

export const workerEnvSchema = z.object({
  NATS_URL: env.url({ protocols: ['nats', 'tls'] }).default('nats://127.0.0.1:4222'),
  NATS_NAMESPACE: env.string().optional(),
  STORAGE_URL: env.string().default('./.data/storage'),
  /** Liveness/readiness HTTP port (Kubernetes probes). */
  WORKER_HTTP_PORT: env.port().default(8081),
  WORKER_HOST: env.string().default('0.0.0.0'),
  /** A name for logs and page results; defaults to the host name and pid. */
  WORKER_ID: env.string().optional(),
  /** The engine pool this worker serves. */
  WORKER_TIER: env.oneOf(['cpu', 'vlm']).default('cpu'),
  /** Pages read at once by this process (each uses OCR_THREADS threads). */
  WORKER_CONCURRENCY: env.int({ min: 1, max: 16 }).default(1),
  OCR_THREADS: env.int({ min: 1, max: 64 }).default(2),
  /** A page that takes longer fails with a clear error instead of blocking the worker. */
  PAGE_TIMEOUT: env.duration({ min: 1000 }).default(120_000),
  /** How long a task may stay unacknowledged before NATS gives it to another worker. */
  TASK_ACK_WAIT: env.duration({ min: 5000 }).default(60_000),
  /** Deliveries of one task before its page is failed for good. */
  TASK_MAX_DELIVER: env.int({ min: 1, max: 100 }).default(5),
  MAX_PAGE_PIXELS: env.positiveInt().default(100_000_000),
  LOG_LEVEL: env.oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
});

export type WorkerEnv = z.output<typeof workerEnvSchema>;

export const WORKER_CONFIG = Symbol('WORKER_CONFIG');

export interface WorkerConfig {
  natsUrl: string;
  natsNamespace: string | undefined;
  storageUrl: string;
  httpPort: number;
  host: string;
  workerId: string;
  tier: 'cpu' | 'vlm';
  concurrency: number;
  threads: number;
  pageTimeoutMs: number;
  ackWaitMs: number;
  maxDeliver: number;
  maxPagePixels: number;
  logLevel: string;
}

export function loadWorkerConfig(source: Record<string, string | undefined> = process.env): WorkerConfig {
  const e = loadConfig(workerEnvSchema, source);
  return Object.freeze({
    natsUrl: e.NATS_URL,
    natsNamespace: e.NATS_NAMESPACE,
    storageUrl: e.STORAGE_URL,
    httpPort: e.WORKER_HTTP_PORT,
    host: e.WORKER_HOST,
    workerId: e.WORKER_ID ?? `${require('node:os').hostname()}-${process.pid}`,
    tier: e.WORKER_TIER,
    concurrency: e.WORKER_CONCURRENCY,
    threads: e.OCR_THREADS,
    pageTimeoutMs: e.PAGE_TIMEOUT,
    ackWaitMs: e.TASK_ACK_WAIT,
    maxDeliver: e.TASK_MAX_DELIVER,
    maxPagePixels: e.MAX_PAGE_PIXELS,
    logLevel: e.LOG_LEVEL,
  });
}

import { env, EnvSource, FrozenConfig, loadConfig } from '@ocr/config';
import { parseObjectStoreUrl } from '@ocr/storage';
import { z } from 'zod';

/** Accepts what `createObjectStore` accepts (a folder, file://, s3://, s3+http://). */
const storageUrl = () =>
  env.string().superRefine((v, ctx) => {
    try {
      parseObjectStoreUrl(v);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });

/** Every environment variable the chat service reads, with its default. */
export const chatConfigSchema = z.object({
  CHAT_GRPC_URL: env.hostPort({ example: '0.0.0.0:50053' }).default('0.0.0.0:50053'),
  DATABASE_URL: env.url({ protocols: ['postgres', 'postgresql'] }),
  /** Where `ocr.jobs.finished` arrives (durable consumer on the events stream). */
  NATS_URL: env.url({ protocols: ['nats', 'tls'] }).default('nats://127.0.0.1:4222'),
  /** The gateway's NATS namespace (prefix of subjects and streams), when it runs with one. */
  NATS_NAMESPACE: env
    .string()
    .refine((v) => /^[A-Za-z0-9_-]+$/.test(v), { message: 'expected letters, digits, _ or -' })
    .optional(),
  /** The object store the gateway writes finished job documents to (`results/<job>.json`). */
  STORAGE_URL: storageUrl().default('./.data/storage'),
  CHAT_MAX_MESSAGE_CHARS: env.int({ min: 1, max: 100_000 }).default(2000),
  /** Finished jobs indexed at once from `ocr.jobs.finished`. */
  CHAT_INDEX_CONCURRENCY: env.int({ min: 1, max: 64 }).default(2),
  LOG_LEVEL: env.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const).default('info'),
  /**
   * Base URL of an OpenAI-compatible chat endpoint (vLLM, Ollama, llama.cpp server), e.g.
   * `http://127.0.0.1:11434/v1`; `POST <url>/chat/completions` writes the answers. Unset: extractive.
   */
  CHAT_LLM_URL: env.url({ protocols: ['http', 'https'] }).optional(),
  /** The model the endpoint serves (required with CHAT_LLM_URL). */
  CHAT_LLM_MODEL: env.string().optional(),
  /** Sent as `Authorization: Bearer …` when set. */
  CHAT_LLM_API_KEY: env.secret().optional(),
  /**
   * How long one question waits for the model (over all its calls) before it is answered
   * extractively; below the gateway's 30 s deadline for a chat call.
   */
  CHAT_LLM_TIMEOUT: env.duration({ min: 100, max: 25_000 }).default(20_000),
}).superRefine(
  (config, ctx) => {
    if (config.CHAT_LLM_URL !== undefined && config.CHAT_LLM_MODEL === undefined) {
      ctx.addIssue({ code: 'custom', path: ['CHAT_LLM_MODEL'], message: 'is required when CHAT_LLM_URL is set' });
    }
    if (config.CHAT_LLM_URL === undefined && (config.CHAT_LLM_MODEL !== undefined || config.CHAT_LLM_API_KEY !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['CHAT_LLM_URL'], message: 'is required when CHAT_LLM_MODEL or CHAT_LLM_API_KEY is set' });
    }
  },
  // Also when other variables are bad, so the one boot message names every problem.
  { when: () => true },
);

export type ChatConfig = FrozenConfig<z.output<typeof chatConfigSchema>>;

/** Validates the environment once; throws a ConfigError naming every bad variable. */
export function loadChatConfig(source: EnvSource = process.env): ChatConfig {
  return loadConfig(chatConfigSchema, source);
}

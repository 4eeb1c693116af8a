import { env, EnvSource, FrozenConfig, loadConfig } from '@ocr/config';
import { z } from 'zod';

const grpcAddress = () =>
  env
    .string()
    .refine((v) => /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/.test(v) && Number(v.split(':').pop()) <= 65535, {
      message: 'expected host:port, e.g. 0.0.0.0:50053',
    });

/** Every environment variable the chat service reads, with its default. */
export const chatConfigSchema = z.object({
  CHAT_GRPC_URL: grpcAddress().default('0.0.0.0:50053'),
  DATABASE_URL: env.url({ protocols: ['postgres', 'postgresql'] }),
  CHAT_MAX_MESSAGE_CHARS: env.int({ min: 1, max: 100_000 }).default(2000),
  LOG_LEVEL: env.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const).default('info'),
});

export type ChatConfig = FrozenConfig<z.output<typeof chatConfigSchema>>;

/** Validates the environment once; throws a ConfigError naming every bad variable. */
export function loadChatConfig(source: EnvSource = process.env): ChatConfig {
  return loadConfig(chatConfigSchema, source);
}

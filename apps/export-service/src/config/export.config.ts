import { env, FrozenConfig, loadConfig, EnvSource } from '@ocr/config';
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

/** Every environment variable the export service reads, with its default. */
export const exportConfigSchema = z.object({
  EXPORT_GRPC_URL: env.hostPort({ example: '0.0.0.0:50052' }).default('0.0.0.0:50052'),
  /** The object store the workers keep page images in (`pages/<job>/<index>.jpg`); the searchable PDF reads them. */
  STORAGE_URL: storageUrl().default('./.data/storage'),
  LOG_LEVEL: env.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const).default('info'),
});

export type ExportConfig = FrozenConfig<z.output<typeof exportConfigSchema>>;

/** Validates the environment once; throws a ConfigError naming every bad variable. */
export function loadExportConfig(source: EnvSource = process.env): ExportConfig {
  return loadConfig(exportConfigSchema, source);
}

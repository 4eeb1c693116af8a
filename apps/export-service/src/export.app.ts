import { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createHealth, grpcServerOptions, setHealth } from '@ocr/proto';
import { createObjectStore, describeObjectStore, type ObjectStore, parseObjectStoreUrl } from '@ocr/storage';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { ExportConfig } from './config/export.config';

type HealthImplementation = ReturnType<typeof createHealth>;

export interface ExportApp {
  app: INestMicroservice;
  health: HealthImplementation;
  /** Marks the service NOT_SERVING, then closes the gRPC server. */
  close(): Promise<void>;
}

/**
 * Starts the export service's gRPC server on `config.EXPORT_GRPC_URL` with the standard health
 * service beside it, reporting SERVING once it listens. It opens the object store of
 * `config.STORAGE_URL` first (the searchable PDF reads page images from it), so a store that
 * cannot be reached stops the boot with its reason. `adapters.store` replaces that store (tests).
 */
export async function startExportApp(config: ExportConfig, adapters: { store?: ObjectStore } = {}): Promise<ExportApp> {
  const health = createHealth('export');
  const store = adapters.store ?? (await createObjectStore(config.STORAGE_URL));
  const app = await NestFactory.createMicroservice(AppModule.forRoot(config, store), {
    ...grpcServerOptions('export', config.EXPORT_GRPC_URL, health),
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.listen();
  setHealth(health, 'export', 'SERVING');
  app.get(Logger).log(`export-service listening for gRPC on ${config.EXPORT_GRPC_URL}; page images from ${describeObjectStore(parseObjectStoreUrl(config.STORAGE_URL))}`);
  return {
    app,
    health,
    async close() {
      setHealth(health, 'export', 'NOT_SERVING');
      await app.close();
      if (!adapters.store) await store.close?.();
    },
  };
}

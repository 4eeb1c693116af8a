import { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createHealth, grpcServerOptions, setHealth } from '@ocr/proto';
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
 * service beside it, reporting SERVING once it listens (the service is stateless: it has no
 * dependency whose loss would make it unready).
 */
export async function startExportApp(config: ExportConfig): Promise<ExportApp> {
  const health = createHealth('export');
  const app = await NestFactory.createMicroservice(AppModule.forRoot(config), {
    ...grpcServerOptions('export', config.EXPORT_GRPC_URL, health),
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.listen();
  setHealth(health, 'export', 'SERVING');
  app.get(Logger).log(`export-service listening for gRPC on ${config.EXPORT_GRPC_URL}`);
  return {
    app,
    health,
    async close() {
      setHealth(health, 'export', 'NOT_SERVING');
      await app.close();
    },
  };
}

import 'reflect-metadata';
import type { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createHealth, grpcServerOptions } from '@ocr/proto';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { BillingConfig } from './config/billing.config';

/**
 * Creates the billing gRPC microservice (migrations run while it is created) and starts
 * listening on config.BILLING_GRPC_URL. Used by main.ts, the integration tests and the benchmark.
 */
export async function startBillingApp(config: BillingConfig): Promise<INestMicroservice> {
  const health = createHealth('billing');
  const app = await NestFactory.createMicroservice(
    AppModule.register(config, health),
    { ...grpcServerOptions('billing', config.BILLING_GRPC_URL, health), bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  await app.listen();
  return app;
}

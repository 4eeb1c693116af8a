import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { bootOrExit } from '@ocr/config';
import { Logger } from 'nestjs-pino';
import { loadWorkerConfig } from './config/worker.config';
import { WorkerModule } from './worker.module';

/** The OCR worker: pulls page tasks from JetStream, reads them, publishes results; HTTP only for probes. */
async function bootstrap(): Promise<void> {
  const config = loadWorkerConfig();
  const app = await NestFactory.create(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.listen(config.httpPort, config.host);
}

void bootOrExit(bootstrap, { service: 'ocr-worker' });

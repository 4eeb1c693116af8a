import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { bootOrExit } from '@ocr/config';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { loadGatewayConfig } from './config/gateway.config';
import { trustProxySetting } from './config/trust-proxy';

async function bootstrap(): Promise<void> {
  const config = loadGatewayConfig(); // a bad variable stops here, with one message naming every problem
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.set('trust proxy', trustProxySetting(config.trustProxy));
  app.useGlobalPipes(new ValidationPipe({ transform: true, whitelist: true }));
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
}

void bootOrExit(bootstrap, { service: 'gateway' });

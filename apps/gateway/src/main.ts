import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { bootOrExit } from '@ocr/config';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { loadGatewayConfig } from './config/gateway.config';

async function bootstrap(): Promise<void> {
  const config = loadGatewayConfig(); // a bad variable stops here, with one message naming every problem
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.set('trust proxy', trustProxy(config.trustProxy));
  app.useGlobalPipes(new ValidationPipe({ transform: true, whitelist: true }));
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
}

/** TRUST_PROXY: unset → trust no proxy (the socket's address is the client); a number → hops; else Express's list syntax. */
function trustProxy(value: string | undefined): boolean | number | string {
  if (!value) return false;
  if (/^\d+$/.test(value)) return Number(value);
  if (value === 'true') return true;
  return value;
}

void bootOrExit(bootstrap, { service: 'gateway' });

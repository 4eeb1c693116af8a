import { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createHealth, grpcServerOptions, setHealth } from '@ocr/proto';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import type { ChatConfig } from './config/chat.config';
import { openChatDatabase } from './database/data-source';

type HealthImplementation = ReturnType<typeof createHealth>;

/** How often readiness re-checks Postgres. */
const HEALTH_INTERVAL_MS = 5_000;

export interface ChatApp {
  app: INestMicroservice;
  health: HealthImplementation;
  db: DataSource;
  close(): Promise<void>;
}

/**
 * Connects to Postgres and migrates schema `chat`, then serves ChatService over gRPC on
 * `config.CHAT_GRPC_URL` with the standard health service: SERVING while Postgres answers,
 * NOT_SERVING when it stops answering.
 */
export async function startChatApp(config: ChatConfig): Promise<ChatApp> {
  const db = await openChatDatabase(config.DATABASE_URL);
  const health = createHealth('chat');
  let app: INestMicroservice;
  try {
    app = await NestFactory.createMicroservice(AppModule.forRoot(config, db), {
      ...grpcServerOptions('chat', config.CHAT_GRPC_URL, health),
      bufferLogs: true,
    });
    app.useLogger(app.get(Logger));
    await app.listen();
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const logger = app.get(Logger);
  let serving = true;
  setHealth(health, 'chat', 'SERVING');
  const timer = setInterval(() => {
    db.query('SELECT 1').then(
      () => {
        if (!serving) logger.log('postgres answers again: SERVING');
        serving = true;
        setHealth(health, 'chat', 'SERVING');
      },
      (error: Error) => {
        if (serving) logger.error(`postgres does not answer (${error.message}): NOT_SERVING`);
        serving = false;
        setHealth(health, 'chat', 'NOT_SERVING');
      },
    );
  }, HEALTH_INTERVAL_MS);
  timer.unref();
  logger.log(`chat-service listening for gRPC on ${config.CHAT_GRPC_URL}`);
  return {
    app,
    health,
    db,
    async close() {
      clearInterval(timer);
      setHealth(health, 'chat', 'NOT_SERVING');
      await app.close();
      if (db.isInitialized) await db.destroy();
    },
  };
}

import { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JetStreamBus } from '@ocr/messaging';
import { createHealth, grpcServerOptions, setHealth } from '@ocr/proto';
import { createObjectStore, ObjectStore } from '@ocr/storage';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { ChatService } from './chat/chat.service';
import type { ChatConfig } from './config/chat.config';
import { openChatDatabase } from './database/data-source';
import { JobFinishedConsumer } from './indexing/job-finished.consumer';
import { JobIndexer } from './indexing/job-indexer.service';
import { JobResultsRepository } from './indexing/job-results.repository';

type HealthImplementation = ReturnType<typeof createHealth>;

/** A URL without its credentials, for logs. */
const endpointOf = (url: string) => {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
};

/** How often readiness re-checks Postgres, NATS and object storage. */
const HEALTH_INTERVAL_MS = 5_000;

/** Largest gRPC request accepted (an IndexJob of a job of a few thousand pages). */
const MAX_JOB_JSON_BYTES = 256 * 1024 * 1024;

export interface ChatApp {
  app: INestMicroservice;
  health: HealthImplementation;
  db: DataSource;
  bus: JetStreamBus;
  store: ObjectStore;
  close(): Promise<void>;
}

/**
 * Connects to Postgres (migrating schema `chat`), NATS and the object store, serves ChatService
 * over gRPC on `config.CHAT_GRPC_URL` with the standard health service, and indexes every finished
 * account job announced on `ocr.jobs.finished`. Health is SERVING while Postgres, NATS and the
 * object store all answer, NOT_SERVING (naming the one that does not) otherwise.
 */
export async function startChatApp(config: ChatConfig): Promise<ChatApp> {
  const opened: { close(): Promise<void> }[] = [];
  const closeOpened = () => Promise.allSettled(opened.reverse().map((o) => o.close()));
  let app: INestMicroservice;
  let db: DataSource;
  let bus: JetStreamBus;
  let store: ObjectStore;
  let consumer: JobFinishedConsumer;
  const health = createHealth('chat');
  try {
    db = await openChatDatabase(config.DATABASE_URL);
    opened.push({ close: () => (db.isInitialized ? db.destroy() : Promise.resolve()) });
    bus = await JetStreamBus.connect({ servers: config.NATS_URL, name: 'chat-service', namespace: config.NATS_NAMESPACE });
    opened.push({ close: () => bus.close() });
    store = await createObjectStore(config.STORAGE_URL);
    opened.push({ close: () => store.close?.() ?? Promise.resolve() });
    const grpc = grpcServerOptions('chat', config.CHAT_GRPC_URL, health);
    app = await NestFactory.createMicroservice(AppModule.forRoot(config, db), {
      ...grpc,
      // IndexJob carries a whole job document: far more than gRPC's default 4 MB for long PDFs.
      options: { ...grpc.options, maxReceiveMessageLength: MAX_JOB_JSON_BYTES },
      bufferLogs: true,
    } as typeof grpc);
    app.useLogger(app.get(Logger));
    await app.listen();
    opened.push({ close: () => app.close() });
    const logger = app.get(Logger);
    const indexer = new JobIndexer(new JobResultsRepository(store), app.get(ChatService));
    consumer = new JobFinishedConsumer(bus, { concurrency: config.CHAT_INDEX_CONCURRENCY });
    await consumer.start(async (event) => {
      const outcome = await indexer.onJobFinished(event);
      logger.log({ msg: 'job-finished event handled', job_id: event.job_id, ...outcome }, 'JobIndexer');
    });
  } catch (error) {
    await closeOpened();
    throw error;
  }
  const logger = app.get(Logger);
  let problem: string | null = null;
  setHealth(health, 'chat', 'SERVING');
  const check = async (): Promise<string | null> => {
    const results = await Promise.allSettled([db.query('SELECT 1'), bus.ping(), store.ping()]);
    const names = ['postgres', 'NATS', 'object storage'];
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${names[i]}: ${(r.reason as Error)?.message ?? r.reason}`] : []));
    return failed.length > 0 ? failed.join('; ') : null;
  };
  const timer = setInterval(() => {
    void check().then((now) => {
      if (now === null && problem !== null) logger.log(`dependencies answer again: SERVING`);
      if (now !== null && problem === null) logger.error(`a dependency does not answer (${now}): NOT_SERVING`);
      problem = now;
      setHealth(health, 'chat', now === null ? 'SERVING' : 'NOT_SERVING');
    });
  }, HEALTH_INTERVAL_MS);
  timer.unref();
  const answerer = config.CHAT_LLM_URL ? `the model ${config.CHAT_LLM_MODEL} at ${endpointOf(config.CHAT_LLM_URL)} (extractive on failure)` : 'the extractive answerer';
  logger.log(`chat-service listening for gRPC on ${config.CHAT_GRPC_URL}, indexing ocr.jobs.finished, answering with ${answerer}`);
  return {
    app,
    health,
    db,
    bus,
    store,
    async close() {
      clearInterval(timer);
      setHealth(health, 'chat', 'NOT_SERVING');
      await consumer.stop();
      await closeOpened();
    },
  };
}

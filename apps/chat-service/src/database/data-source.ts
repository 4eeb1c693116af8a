import { migrateUnderLock } from '@ocr/database';
import { DataSource } from 'typeorm';
import { ChatInit1795600000000 } from './migrations/1795600000000-chat-init';

/** The chat service's own schema; it never touches another service's tables. */
export const CHAT_SCHEMA = 'chat';

/** A TypeORM data source on `url` whose migrations (and their bookkeeping table) live in schema `chat`. */
export function createChatDataSource(url: string): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    schema: CHAT_SCHEMA,
    migrations: [ChatInit1795600000000],
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: false,
    extra: { max: 10 },
  });
}

/** Connects and brings the schema up to date (replicas take turns: `migrateUnderLock`). */
export async function openChatDatabase(url: string): Promise<DataSource> {
  const ds = createChatDataSource(url);
  await ds.initialize();
  try {
    await migrateUnderLock(ds, { schema: CHAT_SCHEMA, transaction: 'each' });
  } catch (error) {
    await ds.destroy();
    throw error;
  }
  return ds;
}

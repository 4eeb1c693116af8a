import { createTestDatabase, type TestDatabase } from '@ocr/testing';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { migrateUnderLock } from './migrate';

/** A migration that is not safe to run twice, and slow enough for two replicas to overlap. */
class CreateInvoices1790000000000 implements MigrationInterface {
  name = 'CreateInvoices1790000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query('SELECT pg_sleep(0.3)');
    await q.query('CREATE TABLE shop.invoice (id int PRIMARY KEY)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE shop.invoice');
  }
}

function replica(url: string): DataSource {
  return new DataSource({ type: 'postgres', url, schema: 'shop', migrations: [CreateInvoices1790000000000], migrationsTableName: 'migrations', logging: false });
}

describe(migrateUnderLock.name, () => {
  let database: TestDatabase;
  const sources: DataSource[] = [];

  beforeEach(async () => {
    database = await createTestDatabase('migrate_lock');
  });

  afterEach(async () => {
    await Promise.all(sources.splice(0).map((s) => s.destroy()));
    await database.drop();
  });

  it('lets replicas booting together on a fresh database migrate once: one applies, the others find it done', async () => {
    for (let i = 0; i < 3; i += 1) sources.push(await replica(database.url).initialize());

    const applied = await Promise.all(sources.map((s) => migrateUnderLock(s, { schema: 'shop', transaction: 'each' })));

    expect(applied.flat()).toEqual(['CreateInvoices1790000000000']);
    expect(await sources[0]!.query('SELECT count(*)::int AS n FROM shop.migrations')).toEqual([{ n: 1 }]);
    await expect(sources[1]!.query('SELECT id FROM shop.invoice')).resolves.toEqual([]);
  });

  it('refuses a schema name it would have to quote', async () => {
    sources.push(await replica(database.url).initialize());
    await expect(migrateUnderLock(sources[0]!, { schema: 'shop; DROP SCHEMA public', transaction: 'all' })).rejects.toThrow('not a plain schema name');
  });
});

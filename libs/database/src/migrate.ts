import type { DataSource } from 'typeorm';

export interface MigrateOptions {
  /** The service's own schema: created first, since TypeORM keeps its migrations table in it. */
  schema: string;
  /** One transaction for all pending migrations, or one each (TypeORM's `transaction` option). */
  transaction: 'all' | 'each';
}

/**
 * Brings the service's schema up to date at boot. Replicas that start together (a Deployment
 * scaled up, a rollout) take turns on a Postgres advisory lock named after the schema: the
 * first migrates, the others then find nothing left to do. Without it, two replicas on a
 * fresh database both create the same tables and one of them crashes. Returns the names of
 * the migrations it applied.
 */
export async function migrateUnderLock(dataSource: DataSource, options: MigrateOptions): Promise<string[]> {
  if (!/^[a-z_][a-z0-9_]*$/.test(options.schema)) throw new Error(`not a plain schema name: ${JSON.stringify(options.schema)}`);
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`ocr.migrations.${options.schema}`]);
    try {
      await runner.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
      const ran = await dataSource.runMigrations({ transaction: options.transaction });
      return ran.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`ocr.migrations.${options.schema}`]);
    }
  } finally {
    await runner.release();
  }
}

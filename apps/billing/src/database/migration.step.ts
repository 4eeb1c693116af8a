import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { BILLING_SCHEMA } from './database.options';

/** Key of the Postgres advisory lock that lets one billing replica migrate at a time. */
const MIGRATION_LOCK = 'ocr.billing.migrations';

/**
 * Runs pending migrations at boot, before the gRPC server listens. Replicas starting together
 * take turns on an advisory lock; the schema is created first because TypeORM puts its
 * migrations table inside it before running the first migration.
 */
@Injectable()
export class MigrationStep implements OnModuleInit {
  private readonly logger = new Logger(MigrationStep.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK]);
      try {
        await runner.query(`CREATE SCHEMA IF NOT EXISTS ${BILLING_SCHEMA}`);
        const ran = await this.dataSource.runMigrations({ transaction: 'each' });
        this.logger.log({ migrations: ran.map((m) => m.name) }, ran.length ? 'migrations applied' : 'schema up to date');
      } finally {
        await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [MIGRATION_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }
}

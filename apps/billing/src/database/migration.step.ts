import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { migrateUnderLock } from '@ocr/database';
import type { DataSource } from 'typeorm';
import { BILLING_SCHEMA } from './database.options';

/** Runs pending migrations at boot, before the gRPC server listens (replicas take turns: `migrateUnderLock`). */
@Injectable()
export class MigrationStep implements OnModuleInit {
  private readonly logger = new Logger(MigrationStep.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const ran = await migrateUnderLock(this.dataSource, { schema: BILLING_SCHEMA, transaction: 'each' });
    this.logger.log({ migrations: ran }, ran.length ? 'migrations applied' : 'schema up to date');
  }
}

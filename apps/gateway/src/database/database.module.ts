import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { migrateUnderLock } from '@ocr/database';
import { DataSource } from 'typeorm';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { ConfigModule } from '../config/config.module';
import { gatewayDataSourceOptions } from './data-source';

/** Postgres, schema `jobs`: created if missing, then migrated (replicas take turns), before the app serves anything. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      imports: [ConfigModule],
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) => ({ ...gatewayDataSourceOptions(config.databaseUrl), migrationsRun: false }),
      dataSourceFactory: async (options) => {
        const ds = new DataSource(options!);
        await ds.initialize();
        await migrateUnderLock(ds, { schema: 'jobs', transaction: 'all' });
        return ds;
      },
    }),
  ],
})
export class DatabaseModule {}

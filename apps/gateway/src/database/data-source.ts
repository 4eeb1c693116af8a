import { DataSourceOptions } from 'typeorm';
import { JobEntity } from './job.entity';
import { PageEntity } from './page.entity';
import { CreateJobs1764100000000 } from './migrations/1764100000000-create-jobs';

/** The gateway's database: schema `jobs`, migrations run at boot. */
export function gatewayDataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    schema: 'jobs',
    entities: [JobEntity, PageEntity],
    migrations: [CreateJobs1764100000000],
    migrationsTableName: 'migrations',
    migrationsRun: true,
    migrationsTransactionMode: 'all',
    synchronize: false,
    logging: false,
    extra: { max: 10 },
  };
}

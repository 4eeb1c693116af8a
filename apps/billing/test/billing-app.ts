import type { INestMicroservice } from '@nestjs/common';
import { type ClientGrpc, ClientProxyFactory } from '@nestjs/microservices';
import { billingV1, grpcClientOptions } from '@ocr/proto';
import { createTestDatabase, freePort, type TestDatabase } from '@ocr/testing';
import { Client } from 'pg';
import { firstValueFrom, type Observable } from 'rxjs';
import { startBillingApp } from '../src/app.factory';
import { loadBillingConfig } from '../src/config/billing.config';

/** A billing app listening on a free port, with a gRPC client and a direct database connection. */
export interface RunningBilling {
  url: string;
  app: INestMicroservice;
  billing: billingV1.BillingServiceClient;
  db: Client;
  close(): Promise<void>;
}

export async function startBillingOn(databaseUrl: string, env: Record<string, string> = {}): Promise<RunningBilling> {
  const url = `127.0.0.1:${await freePort()}`;
  const config = loadBillingConfig({
    DATABASE_URL: databaseUrl,
    BILLING_GRPC_URL: url,
    LOG_LEVEL: 'error',
    BILLING_DB_POOL_SIZE: '20',
    ...env,
  });
  const app = await startBillingApp(config);
  const client = ClientProxyFactory.create(grpcClientOptions('billing', url));
  const billing = (client as unknown as ClientGrpc).getService<billingV1.BillingServiceClient>(billingV1.BILLING_SERVICE_NAME);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  return {
    url,
    app,
    billing,
    db,
    async close() {
      client.close();
      await db.end();
      await app.close();
    },
  };
}

/** A fresh database and a billing app on it; `close()` stops the app and drops the database. */
export async function startTestBilling(env: Record<string, string> = {}): Promise<RunningBilling & { database: TestDatabase }> {
  const database = await createTestDatabase('billing');
  const running = await startBillingOn(database.url, env);
  return {
    ...running,
    database,
    async close() {
      await running.close();
      await database.drop();
    },
  };
}

export function call<T>(obs: Observable<T>): Promise<T> {
  return firstValueFrom(obs);
}

/** The gRPC status code a call failed with (throws when it succeeded). */
export async function grpcCode(obs: Observable<unknown>): Promise<{ code: number; details: string }> {
  try {
    await firstValueFrom(obs);
  } catch (error) {
    const e = error as { code?: number; details?: string };
    return { code: e.code ?? -1, details: e.details ?? '' };
  }
  throw new Error('expected the call to fail');
}

/**
 * Rows where a balance or a bucket's usage differs from what the ledger says: the result
 * must always be empty.
 */
export async function ledgerMismatches(db: Client): Promise<unknown[]> {
  const accounts = await db.query(`
    SELECT a.email, a.balance, COALESCE(SUM(l.amount), 0) AS ledger_sum
    FROM billing.accounts a LEFT JOIN billing.ledger l ON l.account_id = a.id AND l.source = 'balance'
    GROUP BY a.id HAVING a.balance <> COALESCE(SUM(l.amount), 0)`);
  const buckets = await db.query(`
    SELECT b.key, b.used, -COALESCE(SUM(l.amount), 0) AS ledger_used
    FROM billing.buckets b LEFT JOIN billing.ledger l ON l.bucket_key = b.key
    GROUP BY b.key HAVING b.used <> -COALESCE(SUM(l.amount), 0)`);
  return [...accounts.rows, ...buckets.rows];
}

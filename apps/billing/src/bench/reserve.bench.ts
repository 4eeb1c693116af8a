/**
 * Benchmark: Authenticate + Reserve over gRPC against real Postgres.
 *
 *   node apps/billing/dist/bench/reserve.bench.js
 *
 * Creates a temporary database beside BENCH_POSTGRES_URL (default: the local server's
 * `postgres` database), starts the billing app in this process on a free port, and prints
 * reservations per second and p50/p95/p99 latency of one Authenticate + Reserve pair for:
 *   1. one caller at a time (the latency billing adds to a request),
 *   2. BENCH_CONCURRENCY callers spread over 100 paid accounts,
 *   3. BENCH_CONCURRENCY callers on a single paid account (every reservation contends for one row lock).
 * BENCH_OPS sets the pairs per scenario (default 3000). The database is dropped at the end.
 */
import 'reflect-metadata';
import { type ClientGrpc, ClientProxyFactory } from '@nestjs/microservices';
import { billingV1, grpcClientOptions } from '@ocr/proto';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Client } from 'pg';
import { firstValueFrom } from 'rxjs';
import { startBillingApp } from '../app.factory';
import { loadBillingConfig } from '../config/billing.config';

const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const OPS = Number(process.env.BENCH_OPS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function admin<T>(work: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Caller {
  token: string;
}

async function scenario(
  name: string,
  billing: billingV1.BillingServiceClient,
  callers: Caller[],
  ops: number,
  concurrency: number,
): Promise<void> {
  const latencies: number[] = [];
  let refused = 0;
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (next < ops) {
      const i = next++;
      const caller = callers[i % callers.length]!;
      const t0 = process.hrtime.bigint();
      const { account } = await firstValueFrom(billing.authenticate({ token: caller.token }));
      const res = await firstValueFrom(
        billing.reserve({ job_id: randomUUID(), account_id: account!.id, client_ip: '', tier: billingV1.Tier.TIER_CPU, pages: 1 }),
      );
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (!res.accepted) refused++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(2);
  console.log(
    `${name.padEnd(44)} ${String(ops).padStart(6)} pairs  ${(ops / seconds).toFixed(0).padStart(6)} reservations/s  ` +
      `p50 ${f(percentile(latencies, 50))} ms  p95 ${f(percentile(latencies, 95))} ms  p99 ${f(percentile(latencies, 99))} ms` +
      (refused ? `  (${refused} refused!)` : ''),
  );
}

async function main(): Promise<void> {
  const dbName = `bench_billing_${Date.now().toString(36)}`;
  await admin((c) => c.query(`CREATE DATABASE "${dbName}"`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  const grpcUrl = `127.0.0.1:${await freePort()}`;
  const app = await startBillingApp(
    loadBillingConfig({ DATABASE_URL: url.toString(), BILLING_GRPC_URL: grpcUrl, LOG_LEVEL: 'warn', BILLING_DB_POOL_SIZE: '20' }),
  );
  const client = ClientProxyFactory.create(grpcClientOptions('billing', grpcUrl));
  const billing = (client as unknown as ClientGrpc).getService<billingV1.BillingServiceClient>(billingV1.BILLING_SERVICE_NAME);
  try {
    const accounts: Caller[] = [];
    for (let i = 0; i < 100; i++) {
      const created = await firstValueFrom(
        billing.createAccount({ email: `bench${i}@example.test`, plan: billingV1.Plan.PLAN_PAID, initial_credits: 1_000_000 }),
      );
      accounts.push({ token: created.token });
    }
    console.log(`billing benchmark: Authenticate + Reserve(1 cpu page) over gRPC, Postgres ${url.host}, Node ${process.version}`);
    await scenario('warm-up (discarded)', billing, accounts, 500, 8);
    await scenario('1 caller at a time', billing, accounts, Math.min(OPS, 2000), 1);
    await scenario(`${CONCURRENCY} concurrent callers, 100 accounts`, billing, accounts, OPS, CONCURRENCY);
    await scenario(`${CONCURRENCY} concurrent callers, 1 account`, billing, accounts.slice(0, 1), OPS, CONCURRENCY);
  } finally {
    client.close();
    await app.close();
    await admin((c) => c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

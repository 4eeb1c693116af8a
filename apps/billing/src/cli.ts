#!/usr/bin/env node
import 'reflect-metadata';
import { type ClientGrpc, ClientProxyFactory } from '@nestjs/microservices';
import { billingV1, grpcClientOptions } from '@ocr/proto';
import { parseArgs } from 'node:util';
import { firstValueFrom, type Observable } from 'rxjs';

const USAGE = `Operator CLI of the billing service (talks gRPC to BILLING_GRPC_URL, default 127.0.0.1:50051).
Prints JSON on stdout; errors as JSON on stderr with exit status 1 (2 for bad usage).

  create-account --email <e-mail> [--plan free|paid] [--credits <n>]
  add-credits    --account <id> --credits <n> [--reason <text>]
  set-plan       --account <id> --plan free|paid
  issue-token    --account <id> [--label <text>]
  revoke-token   --account <id> --token-id <id>
  show           --account <id>`;

const OPTIONS = {
  email: { type: 'string' },
  plan: { type: 'string' },
  credits: { type: 'string' },
  reason: { type: 'string' },
  account: { type: 'string' },
  label: { type: 'string' },
  'token-id': { type: 'string' },
  url: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

class UsageError extends Error {}

type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

function need(values: Values, name: keyof Values): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

function plan(text: string | undefined, fallback?: billingV1.Plan): billingV1.Plan {
  if (text === undefined && fallback) return fallback;
  if (text === 'free') return billingV1.Plan.PLAN_FREE;
  if (text === 'paid') return billingV1.Plan.PLAN_PAID;
  throw new UsageError(`--plan must be free or paid, got ${JSON.stringify(text ?? '')}`);
}

function count(text: string | undefined, name: string): number {
  if (text === undefined) return 0;
  if (!/^\d+$/.test(text)) throw new UsageError(`--${name} must be a whole number, got ${JSON.stringify(text)}`);
  return Number(text);
}

async function run(command: string | undefined, values: Values, service: billingV1.BillingServiceClient): Promise<unknown> {
  const call = <T>(obs: Observable<T>) => firstValueFrom(obs);
  switch (command) {
    case 'create-account':
      return call(
        service.createAccount({
          email: need(values, 'email'),
          plan: plan(values.plan, billingV1.Plan.PLAN_FREE),
          initial_credits: count(values.credits, 'credits'),
        }),
      );
    case 'add-credits':
      return call(
        service.addCredits({
          account_id: need(values, 'account'),
          credits: count(need(values, 'credits'), 'credits'),
          reason: values.reason ?? 'added by operator',
        }),
      );
    case 'set-plan':
      return call(service.setPlan({ account_id: need(values, 'account'), plan: plan(need(values, 'plan')) }));
    case 'issue-token':
      return call(service.issueToken({ account_id: need(values, 'account'), label: values.label ?? '' }));
    case 'revoke-token':
      return call(service.revokeToken({ account_id: need(values, 'account'), token_id: need(values, 'token-id') }));
    case 'show':
      return call(service.getAccount({ account_id: need(values, 'account') }));
    default:
      throw new UsageError(command ? `unknown command ${JSON.stringify(command)}` : 'a command is required');
  }
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    process.stderr.write(`${JSON.stringify({ error: { code: 'USAGE', message: (error as Error).message } })}\n${USAGE}\n`);
    return 2;
  }
  const values = parsed.values as Values;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const url = values.url ?? process.env.BILLING_GRPC_URL ?? '127.0.0.1:50051';
  const client = ClientProxyFactory.create(grpcClientOptions('billing', url));
  try {
    const service = (client as unknown as ClientGrpc).getService<billingV1.BillingServiceClient>(billingV1.BILLING_SERVICE_NAME);
    const result = await run(parsed.positionals[0], values, service);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${JSON.stringify({ error: { code: 'USAGE', message: error.message } })}\n${USAGE}\n`);
      return 2;
    }
    const e = error as { code?: number; details?: string; message?: string };
    const code = typeof e.code === 'number' ? (GRPC_CODE_NAMES[e.code] ?? String(e.code)) : 'ERROR';
    process.stderr.write(`${JSON.stringify({ error: { code, message: e.details ?? e.message ?? String(error) } })}\n`);
    return 1;
  } finally {
    client.close();
  }
}

const GRPC_CODE_NAMES: Record<number, string> = {
  1: 'CANCELLED',
  2: 'UNKNOWN',
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  6: 'ALREADY_EXISTS',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  16: 'UNAUTHENTICATED',
};

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

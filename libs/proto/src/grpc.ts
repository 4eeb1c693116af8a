import { credentials, loadPackageDefinition, Server } from '@grpc/grpc-js';
import { loadSync, Options as LoaderOptions } from '@grpc/proto-loader';
import type { GrpcOptions } from '@nestjs/microservices';
import { Transport } from '@nestjs/microservices';
import { HealthImplementation, protoPath as healthProtoPath, ServingStatus } from 'grpc-health-check';
import { join } from 'node:path';

/** Root of the .proto files (shipped with the package, loaded at run time by proto-loader). */
export const PROTO_ROOT = join(__dirname, '..', 'proto');

/** The platform's gRPC services: proto package, file and service name. */
export const GRPC_SERVICES = {
  billing: { package: 'ocr.billing.v1', file: 'ocr/billing/v1/billing.proto', service: 'BillingService' },
  export: { package: 'ocr.export.v1', file: 'ocr/export/v1/export.proto', service: 'ExportService' },
  chat: { package: 'ocr.chat.v1', file: 'ocr/chat/v1/chat.proto', service: 'ChatService' },
} as const;
export type GrpcServiceKey = keyof typeof GRPC_SERVICES;

/**
 * proto-loader options matching the generated types (ts-proto with snakeToCamel=false,
 * stringEnums, forceLong=number): field names as in the .proto, enums as strings,
 * 64-bit integers as numbers, defaults filled in.
 */
export const LOADER_OPTIONS: LoaderOptions = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

/** The fully qualified name health checks use for a service, e.g. `ocr.billing.v1.BillingService`. */
export function qualifiedServiceName(key: GrpcServiceKey): string {
  const s = GRPC_SERVICES[key];
  return `${s.package}.${s.service}`;
}

/**
 * Options for `NestFactory.createMicroservice` serving one of the platform's services on `url`
 * (e.g. `0.0.0.0:50051`), with the standard gRPC health service beside it. `health` receives
 * the status map so readiness can flip it when a dependency goes away.
 */
export function grpcServerOptions(key: GrpcServiceKey, url: string, health: HealthImplementation): GrpcOptions {
  const s = GRPC_SERVICES[key];
  return {
    transport: Transport.GRPC,
    options: {
      url,
      package: s.package,
      protoPath: join(PROTO_ROOT, s.file),
      loader: LOADER_OPTIONS,
      onLoadPackageDefinition: (_pkg: unknown, server: Pick<Server, 'addService'>) => {
        health.addToServer(server as Server);
      },
    },
  } as GrpcOptions;
}

/** Options for `ClientsModule`/`ClientProxyFactory` talking to one of the platform's services. */
export function grpcClientOptions(key: GrpcServiceKey, url: string): GrpcOptions {
  const s = GRPC_SERVICES[key];
  return {
    transport: Transport.GRPC,
    options: { url, package: s.package, protoPath: join(PROTO_ROOT, s.file), loader: LOADER_OPTIONS },
  } as GrpcOptions;
}

/** A health service that starts NOT_SERVING for the server and the named service. */
export function createHealth(key: GrpcServiceKey): HealthImplementation {
  return new HealthImplementation({ '': 'NOT_SERVING', [qualifiedServiceName(key)]: 'NOT_SERVING' });
}

/** Sets the server-wide and the service's own health status. */
export function setHealth(health: HealthImplementation, key: GrpcServiceKey, status: ServingStatus): void {
  health.setStatus('', status);
  health.setStatus(qualifiedServiceName(key), status);
}

interface HealthClient {
  check(
    req: { service: string },
    options: { deadline: Date },
    cb: (err: Error | null, res?: { status: string }) => void,
  ): void;
  close(): void;
}

/**
 * Asks a server's standard gRPC health service for a service's status
 * (`SERVING`, `NOT_SERVING`, …). Rejects when the server does not answer within timeoutMs.
 */
export function checkGrpcHealth(url: string, service = '', timeoutMs = 2000): Promise<string> {
  const def = loadSync(healthProtoPath, { keepCase: true, enums: String, defaults: true });
  const pkg = loadPackageDefinition(def) as unknown as {
    grpc: { health: { v1: { Health: new (url: string, creds: unknown) => HealthClient } } };
  };
  const client = new pkg.grpc.health.v1.Health(url, credentials.createInsecure());
  return new Promise((resolve, reject) => {
    client.check({ service }, { deadline: new Date(Date.now() + timeoutMs) }, (err, res) => {
      client.close();
      if (err) reject(err);
      else resolve(res?.status ?? 'UNKNOWN');
    });
  });
}

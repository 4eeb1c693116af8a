import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import type { ExportConfig } from './config/export.config';
import { GrpcExceptionFilter } from './errors/grpc-exception.filter';
import { ExportController } from './export/export.controller';
import { ExportService, RENDERERS_TOKEN } from './export/export.service';
import { RENDERERS } from './renderers';

@Module({})
export class AppModule {
  static forRoot(config: ExportConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: { level: config.LOG_LEVEL, base: { service: 'export-service' } },
        }),
      ],
      controllers: [ExportController],
      providers: [
        { provide: RENDERERS_TOKEN, useValue: RENDERERS },
        ExportService,
        { provide: APP_FILTER, useFactory: (logger: PinoLogger) => new GrpcExceptionFilter(logger), inject: [PinoLogger] },
      ],
    };
  }
}

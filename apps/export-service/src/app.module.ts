import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { ObjectStore } from '@ocr/storage';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import type { ExportConfig } from './config/export.config';
import { GrpcExceptionFilter } from './errors/grpc-exception.filter';
import { ExportController } from './export/export.controller';
import { ExportService, RENDERERS_TOKEN } from './export/export.service';
import { ObjectStorePageImages } from './pages/page-images.repository';
import { createRenderers } from './renderers';

@Module({})
export class AppModule {
  /** `store` is where the page images are (the searchable PDF's backgrounds). */
  static forRoot(config: ExportConfig, store: ObjectStore): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: { level: config.LOG_LEVEL, base: { service: 'export-service' } },
        }),
      ],
      controllers: [ExportController],
      providers: [
        { provide: RENDERERS_TOKEN, useValue: createRenderers(new ObjectStorePageImages(store)) },
        ExportService,
        { provide: APP_FILTER, useFactory: (logger: PinoLogger) => new GrpcExceptionFilter(logger), inject: [PinoLogger] },
      ],
    };
  }
}

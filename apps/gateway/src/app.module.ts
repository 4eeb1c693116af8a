import { Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ClientProxyFactory, ClientGrpc } from '@nestjs/microservices';
import { JetStreamBus } from '@ocr/messaging';
import { grpcClientOptions } from '@ocr/proto';
import { createObjectStore, ObjectStore } from '@ocr/storage';
import { MulterModule } from '@nestjs/platform-express';
import { LoggerModule } from 'nestjs-pino';
import { AccountController } from './account/account.controller';
import { AccountService } from './account/account.service';
import { AuthGuard } from './auth/auth.guard';
import { BILLING_CLIENT, BillingRepository } from './billing/billing.repository';
import { ChatController } from './chat/chat.controller';
import { CHAT_CLIENT, ChatRepository } from './chat/chat.repository';
import { ChatService } from './chat/chat.service';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { ConfigModule } from './config/config.module';
import { GATEWAY_CONFIG, GatewayConfig } from './config/gateway.config';
import { DatabaseModule } from './database/database.module';
import { BytesDocumentInspector } from './documents/document.inspector';
import { DownloadController } from './export/download.controller';
import { DownloadService } from './export/download.service';
import { EXPORT_CLIENT, ExportRepository } from './export/export.repository';
import { HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';
import { JobWaiter } from './jobs/job-waiter.service';
import { JobController } from './jobs/job.controller';
import { DOCUMENT_INSPECTOR, LANGUAGE_CATALOG, TASK_QUEUE, UPLOAD_STORE } from './jobs/job.ports';
import { JobRepository } from './jobs/job.repository';
import { JobService } from './jobs/job.service';
import { RetentionSweeper } from './jobs/retention.sweeper';
import { StalledPageSweeper } from './jobs/stalled-page.sweeper';
import { EngineLanguageCatalog } from './languages/language.catalog';
import { LanguageController } from './languages/language.controller';
import { MessageBus } from './messaging/message-bus';
import { OBJECT_STORE, ObjectUploadStore } from './storage/upload.store';
import { ToolCatalog } from './tools/tool.catalog';
import { ToolController } from './tools/tool.controller';
import { httpLogOptions } from './common/http-log.options';

@Module({
  imports: [
    ConfigModule,
    LoggerModule.forRootAsync({
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) => ({
        pinoHttp: httpLogOptions(config.logLevel),
      }),
    }),
    DatabaseModule,
    // The body limit: a larger upload is cut off while it streams in, never buffered whole.
    MulterModule.registerAsync({
      inject: [GATEWAY_CONFIG],
      useFactory: (c: GatewayConfig) => ({ limits: { fileSize: c.maxUploadBytes, files: 1, fields: 20 } }),
    }),
  ],
  controllers: [JobController, DownloadController, LanguageController, ToolController, AccountController, HealthController, ChatController],
  providers: [
    { provide: APP_FILTER, useClass: HttpExceptionFilter },
    {
      provide: BILLING_CLIENT,
      inject: [GATEWAY_CONFIG],
      useFactory: (c: GatewayConfig) => ClientProxyFactory.create(grpcClientOptions('billing', c.billingGrpcUrl)) as unknown as ClientGrpc,
    },
    {
      provide: EXPORT_CLIENT,
      inject: [GATEWAY_CONFIG],
      useFactory: (c: GatewayConfig) => ClientProxyFactory.create(grpcClientOptions('export', c.exportGrpcUrl)) as unknown as ClientGrpc,
    },
    ExportRepository,
    {
      provide: CHAT_CLIENT,
      inject: [GATEWAY_CONFIG],
      useFactory: (c: GatewayConfig) => ClientProxyFactory.create(grpcClientOptions('chat', c.chatGrpcUrl)) as unknown as ClientGrpc,
    },
    ChatRepository,
    ChatService,
    DownloadService,
    { provide: JetStreamBus, inject: [GATEWAY_CONFIG], useFactory: (c: GatewayConfig) => MessageBus.connect(c) },
    { provide: OBJECT_STORE, inject: [GATEWAY_CONFIG], useFactory: (c: GatewayConfig) => createObjectStore(c.storageUrl) },
    { provide: UPLOAD_STORE, inject: [OBJECT_STORE], useFactory: (s: ObjectStore) => new ObjectUploadStore(s) },
    {
      provide: DOCUMENT_INSPECTOR,
      inject: [GATEWAY_CONFIG],
      useFactory: (c: GatewayConfig) => new BytesDocumentInspector({ maxBytes: c.maxUploadBytes, maxPixels: c.maxPagePixels }).warmUp(),
    },
    EngineLanguageCatalog,
    { provide: LANGUAGE_CATALOG, useExisting: EngineLanguageCatalog },
    MessageBus,
    { provide: TASK_QUEUE, useExisting: MessageBus },
    BillingRepository,
    AuthGuard,
    JobRepository,
    JobWaiter,
    JobService,
    RetentionSweeper,
    StalledPageSweeper,
    ToolCatalog,
    AccountService,
    HealthService,
  ],
})
export class AppModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Gateway');

  constructor(
    private readonly bus: MessageBus,
    private readonly jobs: JobService,
    private readonly waiter: JobWaiter,
    private readonly sweeper: RetentionSweeper,
    private readonly stalled: StalledPageSweeper,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.bus.onJobFinished((jobId) => this.waiter.notify(jobId));
    this.bus.onTasksAbandoned((task, deliveries) => this.jobs.onTaskAbandoned(task.job_id, task.page_index, deliveries));
    await this.bus.startResults((m) => this.jobs.onPageResult(m.job_id, m.page, m.worker_id));
    const recovered = await this.jobs.recover();
    if (recovered > 0) this.logger.log({ msg: 'finished housekeeping of jobs left over', jobs: recovered });
    this.sweeper.start();
    this.stalled.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.sweeper.stop();
    this.stalled.stop();
    await this.store.close?.();
  }
}

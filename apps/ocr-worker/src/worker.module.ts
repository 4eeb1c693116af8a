import { Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { JetStreamBus, ocrTaskMessageSchema, OcrTaskMessage, STREAMS, workerLanes, ConsumerHandle } from '@ocr/messaging';
import { createPaddleEngine, OcrEngine, RoutingEngine, TesseractEngine } from '@ocr/ocr-engine';
import { createObjectStore, ObjectStore } from '@ocr/storage';
import { LoggerModule } from 'nestjs-pino';
import { loadWorkerConfig, WORKER_CONFIG, WorkerConfig } from './config/worker.config';
import { HealthController } from './health/health.controller';
import { BusResultPublisher, DocumentRasterizer, ObjectStorePageImages, ObjectStoreUploads, RoutedEngine } from './pages/page.adapters';
import { PageProcessor } from './pages/page.processor';
import { ENGINE, PAGE_IMAGES, RASTERIZER, RESULTS, UPLOADS } from './pages/page.ports';
import { WorkerState } from './worker.state';

const OCR_ENGINE = Symbol('OCR_ENGINE');
const OBJECT_STORE = Symbol('OBJECT_STORE');

@Module({
  imports: [
    LoggerModule.forRoot({
      pinoHttp: { base: { service: 'ocr-worker' }, level: process.env.LOG_LEVEL ?? 'info', autoLogging: false },
    }),
  ],
  controllers: [HealthController],
  providers: [
    { provide: WORKER_CONFIG, useFactory: () => loadWorkerConfig() },
    {
      provide: JetStreamBus,
      inject: [WORKER_CONFIG],
      useFactory: async (c: WorkerConfig) => {
        const bus = await JetStreamBus.connect({ servers: c.natsUrl, name: `ocr-worker-${c.workerId}`, namespace: c.natsNamespace });
        await bus.ensureStreams();
        return bus;
      },
    },
    { provide: OBJECT_STORE, inject: [WORKER_CONFIG], useFactory: (c: WorkerConfig) => createObjectStore(c.storageUrl) },
    {
      provide: OCR_ENGINE,
      inject: [WORKER_CONFIG],
      useFactory: async (c: WorkerConfig): Promise<OcrEngine> => {
        if (c.tier === 'vlm') {
          // Serving vlm tasks with the cpu engine would be a silent fallback; refuse to start instead.
          throw new Error('WORKER_TIER=vlm needs a vision-language model engine, which this build does not have yet');
        }
        const paddle = await createPaddleEngine({ intraOpThreads: c.threads, maxPixels: c.maxPagePixels });
        return new RoutingEngine({ paddle, tesseract: new TesseractEngine({ timeoutMs: c.pageTimeoutMs }) });
      },
    },
    { provide: UPLOADS, inject: [OBJECT_STORE], useFactory: (s: ObjectStore) => new ObjectStoreUploads(s) },
    { provide: PAGE_IMAGES, inject: [OBJECT_STORE], useFactory: (s: ObjectStore) => new ObjectStorePageImages(s) },
    {
      provide: RASTERIZER,
      inject: [WORKER_CONFIG],
      useFactory: (c: WorkerConfig) => new DocumentRasterizer({ maxInputPixels: c.maxPagePixels, timeoutMs: c.pageTimeoutMs }).warmUp(),
    },
    { provide: ENGINE, inject: [OCR_ENGINE], useFactory: (e: OcrEngine) => new RoutedEngine(e) },
    { provide: RESULTS, inject: [JetStreamBus], useFactory: (b: JetStreamBus) => new BusResultPublisher(b) },
    PageProcessor,
    WorkerState,
  ],
})
export class WorkerModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OcrWorker');
  private consumer: ConsumerHandle | undefined;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    private readonly bus: JetStreamBus,
    private readonly processor: PageProcessor,
    private readonly state: WorkerState,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(OCR_ENGINE) private readonly engine: OcrEngine,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.state.register({ name: 'nats', check: () => this.bus.ping() });
    this.state.register({ name: 'storage', check: () => this.store.ping() });
    this.consumer = await this.bus.consumePrioritized<OcrTaskMessage>({
      stream: STREAMS.tasks,
      lanes: workerLanes(this.config.tier),
      schema: ocrTaskMessageSchema as never,
      ackWaitMs: this.config.ackWaitMs,
      maxDeliver: this.config.maxDeliver,
      concurrency: this.config.concurrency,
      handler: async (task, ctx) => {
        const outcome = await this.processor.process(task, ctx.deliveryCount, ctx.trace);
        if (outcome === 'done') this.state.pagesDone += 1;
        if (outcome === 'failed') this.state.pagesFailed += 1;
      },
    });
    this.state.register({ name: 'consumer', check: async () => undefined });
    this.logger.log({ msg: 'taking page tasks', tier: this.config.tier, worker_id: this.config.workerId });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop().catch(() => undefined);
    await this.bus.close().catch(() => undefined);
    await this.engine.close().catch(() => undefined);
    await this.store.close?.();
  }
}

import { spawnNats, SpawnedNats } from '@ocr/testing';
import { eventually, recordingLogger, samplePage, sampleTask } from '../test/fixtures';
import { ConsumerHandle, JetStreamBus, OcrTaskMessage, ocrTaskMessageSchema, pageResultMessageSchema, STREAMS, workerLanes } from '../src';

/** Kills its own nats-server (never the machine's) with SIGKILL and starts it again on the same port and store. */
describe(`${JetStreamBus.name} across a NATS restart`, () => {
  let nats: SpawnedNats;
  let sut: JetStreamBus;
  const handles: ConsumerHandle[] = [];

  beforeAll(async () => {
    nats = await spawnNats();
    sut = await JetStreamBus.connect({ servers: nats.url, name: 'restart-spec', namespace: 'restart', logger: recordingLogger() });
    await sut.ensureStreams();
  });

  afterAll(async () => {
    await Promise.all(handles.map((h) => h.stop()));
    await sut.close();
    await nats.stop();
  });

  it('processes tasks and results published before and after the server is killed', async () => {
    const tasksDone = new Set<number>();
    const resultsDone = new Set<number>();
    let releaseSlowPage!: () => void;
    const slowPage = new Promise<void>((r) => (releaseSlowPage = r));
    let slowStarted = false;

    handles.push(
      await sut.consumePrioritized<OcrTaskMessage>({
        stream: STREAMS.tasks,
        lanes: workerLanes('cpu'),
        schema: ocrTaskMessageSchema,
        ackWaitMs: 2000,
        idlePollMs: 200,
        handler: async (task) => {
          if (task.page_index === 1 && !slowStarted) {
            slowStarted = true;
            await slowPage; // still working when the server dies
          }
          tasksDone.add(task.page_index);
        },
      }),
      await sut.consume({
        stream: STREAMS.results,
        durable: 'gateway-results',
        schema: pageResultMessageSchema,
        ackWaitMs: 2000,
        handler: (result) => void resultsDone.add(result.page_index),
      }),
    );
    const result = (page_index: number) => ({ job_id: 'r', page_index, worker_id: 'w', page: samplePage(page_index), attempt: 1 });

    await sut.publishTask(sampleTask({ page_index: 0 }));
    await sut.publishPageResult(result(0));
    await eventually(() => tasksDone.has(0) && resultsDone.has(0));

    // Before the crash: one task in a handler, two waiting behind it.
    for (const page_index of [1, 2, 3]) await sut.publishTask(sampleTask({ page_index }));
    await eventually(() => slowStarted);

    await nats.kill();
    await eventually(() => !sut.isConnected(), 5_000, 'the bus to notice');
    releaseSlowPage();
    await nats.start();
    await eventually(() => sut.isConnected(), 15_000, 'reconnection');

    // After the restart.
    await sut.publishTask(sampleTask({ page_index: 4, priority: 'p0' }));
    await sut.publishPageResult(result(1));

    await eventually(() => [0, 1, 2, 3, 4].every((p) => tasksDone.has(p)) && resultsDone.has(1), 30_000, 'every message');
    await eventually(async () => {
      const pending = await Promise.all(workerLanes('cpu').map((l) => sut.consumerPending(STREAMS.tasks, l.durable)));
      return pending.every((p) => p.pending === 0 && p.ackPending === 0);
    }, 15_000, 'the task queue to drain');
  });
});

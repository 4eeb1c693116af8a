import { jetstream, jetstreamManager, RetentionPolicy } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { natsPrefix, natsUrl } from '@ocr/testing';
import { eventually, recordingLogger, samplePage, sampleTask, sleep } from '../test/fixtures';
import {
  ConsumerHandle,
  JetStreamBus,
  MessageContext,
  NonRetryableError,
  OcrTaskMessage,
  ocrTaskMessageSchema,
  PageResultMessage,
  pageResultMessageSchema,
  STREAMS,
  SUBJECTS,
  taskSubject,
  workerLanes,
} from '../src';

describe(JetStreamBus.name, () => {
  let url: string;
  let sut: JetStreamBus;
  let logger: ReturnType<typeof recordingLogger>;
  const handles: ConsumerHandle[] = [];

  beforeEach(async () => {
    url = await natsUrl();
    logger = recordingLogger();
    sut = await JetStreamBus.connect({ servers: url, name: 'bus-int-spec', namespace: natsPrefix('bus'), logger });
    await sut.ensureStreams({ storage: 'memory' });
  });

  afterEach(async () => {
    await Promise.all(handles.splice(0).map((h) => h.stop()));
    await sut.deleteStreams();
    await sut.close();
  });

  async function consumeTasks(
    handler: (task: OcrTaskMessage, ctx: MessageContext) => Promise<void> | void,
    extra: { ackWaitMs?: number; maxDeliver?: number; nakDelayMs?: number; concurrency?: number; durable?: string } = {},
  ) {
    const handle = await sut.consume({
      stream: STREAMS.tasks,
      durable: extra.durable ?? 'tasks-test',
      filterSubjects: [taskSubject('cpu', 'p1')],
      schema: ocrTaskMessageSchema,
      handler,
      ...extra,
    });
    handles.push(handle);
    return handle;
  }

  it('creates namespaced streams idempotently, tasks as a work queue', async () => {
    await expect(sut.ensureStreams({ storage: 'memory' })).resolves.toBeUndefined();
    const jsm = await jetstreamManager(sut.connection);
    const tasks = await jsm.streams.info(sut.streamName(STREAMS.tasks));
    expect(tasks.config.retention).toBe(RetentionPolicy.Workqueue);
    expect(tasks.config.subjects).toEqual([`${sut.namespace}.ocr.tasks.>`]);
    expect(tasks.config.duplicate_window).toBe(120_000_000_000);
    expect(sut.streamName(STREAMS.tasks)).toBe(`${sut.namespace!.toUpperCase()}_OCR_TASKS`);
    const events = await jsm.streams.info(sut.streamName(STREAMS.events));
    expect(events.config.retention).toBe(RetentionPolicy.Limits);
  });

  it('answers ping and reports the connection', async () => {
    await expect(sut.ping()).resolves.toBeUndefined();
    expect(sut.isConnected()).toBe(true);
  });

  it('stores a repeated task id once and says it was a duplicate', async () => {
    const task = sampleTask({ job_id: 'dup', page_index: 4 });
    expect((await sut.publishTask(task)).duplicate).toBe(false);
    expect((await sut.publishTask(task)).duplicate).toBe(true);
    const seen: string[] = [];
    await consumeTasks((t, ctx) => void seen.push(`${t.job_id}:${t.page_index} ${ctx.msgId}`));
    await eventually(() => seen.length === 1);
    await sleep(300);
    expect(seen).toEqual(['dup:4 dup:4']);
  });

  it('redelivers after a handler crash, then acks', async () => {
    const attempts: number[] = [];
    await consumeTasks(
      (_t, ctx) => {
        attempts.push(ctx.deliveryCount);
        if (ctx.deliveryCount === 1) throw new Error('engine crashed');
      },
      { nakDelayMs: 100 },
    );
    await sut.publishTask(sampleTask());
    await eventually(() => attempts.length === 2);
    await eventually(async () => (await sut.consumerPending(STREAMS.tasks, 'tasks-test')).ackPending === 0);
    expect(attempts).toEqual([1, 2]);
    expect(await sut.consumerPending(STREAMS.tasks, 'tasks-test')).toEqual({ pending: 0, ackPending: 0 });
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'warn', message: 'message failed, will be redelivered' }));
  });

  it('does not retry a NonRetryableError', async () => {
    const attempts: number[] = [];
    await consumeTasks(
      (_t, ctx) => {
        attempts.push(ctx.deliveryCount);
        throw new NonRetryableError('upload is gone');
      },
      { nakDelayMs: 50 },
    );
    await sut.publishTask(sampleTask());
    await eventually(() => attempts.length === 1);
    await sleep(500);
    expect(attempts).toEqual([1]);
    expect(await sut.consumerPending(STREAMS.tasks, 'tasks-test')).toEqual({ pending: 0, ackPending: 0 });
  });

  it('gives up after maxDeliver failures', async () => {
    const attempts: boolean[] = [];
    await consumeTasks(
      (_t, ctx) => {
        attempts.push(ctx.isLastAttempt);
        throw new Error('always fails');
      },
      { nakDelayMs: 50, maxDeliver: 3 },
    );
    await sut.publishTask(sampleTask());
    await eventually(() => attempts.length === 3);
    await sleep(400);
    expect(attempts).toEqual([false, false, true]);
    expect(logger.lines).toContainEqual(expect.objectContaining({ message: 'message failed on its last delivery, terminated' }));
  });

  it('logs and terminates a malformed message and keeps consuming', async () => {
    const seen: number[] = [];
    await consumeTasks((t) => void seen.push(t.page_index));
    await sut.publish(taskSubject('cpu', 'p1'), { job_id: 'bad', page_index: 'zero' });
    await sut.connection.publish(sut.subject(taskSubject('cpu', 'p1')), 'not json at all');
    await sut.publishTask(sampleTask({ page_index: 7 }));
    await eventually(() => seen.length === 1);
    await eventually(() => logger.lines.filter((l) => l.message === 'malformed message terminated').length === 2);
    expect(seen).toEqual([7]);
    const errors = logger.lines.filter((l) => l.message === 'malformed message terminated').map((l) => l.fields!.error);
    expect(errors).toEqual([expect.stringMatching(/page_index/), 'payload is not JSON']);
  });

  it('redelivers after ack_wait when a consumer dies holding a message', async () => {
    await sut.ensureConsumer(STREAMS.tasks, 'tasks-test', [taskSubject('cpu', 'p1')], { ackWaitMs: 1000 });
    await sut.publishTask(sampleTask({ page_index: 2 }));

    // Another process takes the message and dies without acking it.
    const other = await connect({ servers: url });
    const held = await (await jetstream(other).consumers.get(sut.streamName(STREAMS.tasks), 'tasks-test')).next({ expires: 2000 });
    expect(held?.info.deliveryCount).toBe(1);
    await other.close();

    const seen: Array<[number, number]> = [];
    await consumeTasks((t, ctx) => void seen.push([t.page_index, ctx.deliveryCount]), { ackWaitMs: 1000 });
    await eventually(() => seen.length === 1, 10_000);
    expect(seen).toEqual([[2, 2]]);
  });

  it('hands over a task whose every delivery died unacknowledged, then removes it from the stream', async () => {
    const abandoned: Array<[OcrTaskMessage, number]> = [];
    const sub = sut.onTasksAbandoned(async (task, deliveries) => void abandoned.push([task, deliveries]));
    await sut.ensureConsumer(STREAMS.tasks, 'tasks-test', [taskSubject('cpu', 'p1')], { ackWaitMs: 1000, maxDeliver: 1 });
    await sut.publishTask(sampleTask({ page_index: 3 }));
    await sut.publishTask(sampleTask({ page_index: 4 }));

    // Another process takes page 3 and dies without acking it: its only delivery is spent.
    const other = await connect({ servers: url });
    const held = await (await jetstream(other).consumers.get(sut.streamName(STREAMS.tasks), 'tasks-test')).next({ expires: 2000 });
    expect(held?.json<OcrTaskMessage>().page_index).toBe(3);
    await other.close();

    // A live worker reads page 4; JetStream gives up on page 3 after its ack wait.
    const seen: number[] = [];
    await consumeTasks((t) => void seen.push(t.page_index), { ackWaitMs: 1000, maxDeliver: 1 });
    await eventually(() => abandoned.length === 1, 15_000);
    sub.unsubscribe();
    expect(seen).toEqual([4]);
    expect(abandoned).toEqual([[expect.objectContaining({ job_id: sampleTask().job_id, page_index: 3 }), 1]]);
    const jsm = await jetstreamManager(sut.connection);
    await eventually(async () => (await jsm.streams.info(sut.streamName(STREAMS.tasks))).state.messages === 0, 5_000);
  });

  it('counts the tasks of a tier still on their way: before any worker, queued, held, then none', async () => {
    await sut.publishTask(sampleTask({ page_index: 0, priority: 'p0' }));
    await sut.publishTask(sampleTask({ page_index: 1, priority: 'p2' }));
    await sut.publishTask(sampleTask({ page_index: 2, tier: 'vlm', priority: 'p1' }));
    expect(await sut.tasksWaiting('cpu')).toBe(2); // no worker has created its lanes yet

    for (const lane of workerLanes('cpu')) await sut.ensureConsumer(STREAMS.tasks, lane.durable, [lane.filterSubject], { ackWaitMs: 30_000 });
    expect(await sut.tasksWaiting('cpu')).toBe(2);
    const other = await connect({ servers: url });
    const held = await (await jetstream(other).consumers.get(sut.streamName(STREAMS.tasks), workerLanes('cpu')[0]!.durable)).next({ expires: 2000 });
    expect(await sut.tasksWaiting('cpu')).toBe(2); // one queued, one in a worker's hands
    held!.ack();
    await other.flush();
    await eventually(async () => (await sut.tasksWaiting('cpu')) === 1);
    await other.close();
    expect(await sut.tasksWaiting('vlm')).toBe(1);
  });

  it('keeps a slow handler alive with working() so it is not redelivered', async () => {
    let calls = 0;
    await consumeTasks(
      async () => {
        calls++;
        await sleep(3000);
      },
      { ackWaitMs: 1000 },
    );
    await sut.publishTask(sampleTask());
    await eventually(async () => calls === 1 && (await sut.consumerPending(STREAMS.tasks, 'tasks-test')).ackPending === 0, 10_000);
    expect(calls).toBe(1);
  });

  it('runs up to `concurrency` handlers at once', async () => {
    let running = 0;
    let peak = 0;
    await consumeTasks(
      async () => {
        peak = Math.max(peak, ++running);
        await sleep(300);
        running--;
      },
      { concurrency: 3 },
    );
    for (let i = 0; i < 6; i++) await sut.publishTask(sampleTask({ page_index: i }));
    await eventually(async () => (await sut.consumerPending(STREAMS.tasks, 'tasks-test')).pending === 0 && running === 0);
    expect(peak).toBe(3);
  });

  it('finishes and acks in-flight messages on stop', async () => {
    let started = false;
    let finished = false;
    const handle = await consumeTasks(async () => {
      started = true;
      await sleep(500);
      finished = true;
    });
    await sut.publishTask(sampleTask());
    await eventually(() => started);
    await handle.stop();
    expect(finished).toBe(true);
    expect(await sut.consumerPending(STREAMS.tasks, 'tasks-test')).toEqual({ pending: 0, ackPending: 0 });
  });

  it('counts pending messages for readiness and scaling', async () => {
    await sut.ensureConsumer(STREAMS.tasks, 'tasks-test', [taskSubject('cpu', 'p1')]);
    for (let i = 0; i < 3; i++) await sut.publishTask(sampleTask({ page_index: i }));
    expect(await sut.consumerPending(STREAMS.tasks, 'tasks-test')).toEqual({ pending: 3, ackPending: 0 });
  });

  it('carries the trace context from publisher to handler', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const seen: Array<string | undefined> = [];
    const handle = await sut.consume<PageResultMessage>({
      stream: STREAMS.results,
      durable: 'results-test',
      schema: pageResultMessageSchema,
      handler: (_r, ctx) => void seen.push(ctx.trace?.traceparent),
    });
    handles.push(handle);
    await sut.publishPageResult({ job_id: 'j', page_index: 0, worker_id: 'w1', page: samplePage(), attempt: 1 }, { trace: { traceparent } });
    await eventually(() => seen.length === 1);
    expect(seen).toEqual([traceparent]);
  });

  it('takes p0 before p1 before p2 with one worker', async () => {
    const lanes = workerLanes('cpu');
    const order: string[] = [];
    const start = () =>
      sut.consumePrioritized<OcrTaskMessage>({
        stream: STREAMS.tasks,
        lanes,
        schema: ocrTaskMessageSchema,
        concurrency: 1,
        handler: async (t, ctx) => {
          order.push(`${ctx.subject.split('.').pop()}#${t.page_index}`);
          await sleep(50);
        },
      });
    await (await start()).stop(); // the worker has run once (its consumers exist) and is stopped
    await sut.publishTask(sampleTask({ priority: 'p2', page_index: 0 }));
    await sut.publishTask(sampleTask({ priority: 'p2', page_index: 1 }));
    await sut.publishTask(sampleTask({ priority: 'p1', page_index: 2 }));
    await sut.publishTask(sampleTask({ priority: 'p0', page_index: 3 }));
    handles.push(await start());
    await eventually(() => order.length === 4);
    expect(order).toEqual(['p0#3', 'p1#2', 'p2#0', 'p2#1']);
  });

  it('wakes a prioritized worker at once when a task arrives', async () => {
    const seen: number[] = [];
    handles.push(
      await sut.consumePrioritized<OcrTaskMessage>({
        stream: STREAMS.tasks,
        lanes: workerLanes('cpu'),
        schema: ocrTaskMessageSchema,
        idlePollMs: 60_000,
        handler: (t) => void seen.push(t.page_index),
      }),
    );
    await sleep(200);
    await sut.publishTask(sampleTask({ priority: 'p1', page_index: 5 }));
    await eventually(() => seen.length === 1, 5_000); // far sooner than the 60 s idle poll
    expect(seen).toEqual([5]);
  });

  it('retries a prioritized task that failed', async () => {
    const attempts: number[] = [];
    handles.push(
      await sut.consumePrioritized<OcrTaskMessage>({
        stream: STREAMS.tasks,
        lanes: workerLanes('cpu'),
        schema: ocrTaskMessageSchema,
        nakDelayMs: 100,
        idlePollMs: 200,
        handler: (_t, ctx) => {
          attempts.push(ctx.deliveryCount);
          if (ctx.deliveryCount === 1) throw new Error('crash');
        },
      }),
    );
    await sut.publishTask(sampleTask({ priority: 'p0' }));
    await eventually(() => attempts.length === 2);
    expect(attempts).toEqual([1, 2]);
  });

  it('publishes job events', async () => {
    const seen: unknown[] = [];
    handles.push(
      await sut.consume({
        stream: STREAMS.events,
        durable: 'events-test',
        filterSubjects: [SUBJECTS.jobsFinished],
        handler: (e) => void seen.push(e),
      }),
    );
    await sut.publishJobFinished({ job_id: 'j9', account_id: null, status: 'done', page_count: 3 });
    await eventually(() => seen.length === 1);
    expect(seen).toEqual([{ job_id: 'j9', account_id: null, status: 'done', page_count: 3 }]);
  });
});

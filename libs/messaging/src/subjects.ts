import type { Tier } from '@ocr/documents';

/**
 * The page pipeline's subjects, streams and consumer names, defined once. Everything here is
 * un-namespaced; `JetStreamBus` prefixes subjects with `<namespace>.` and stream names with
 * `<NAMESPACE>_` when it is given a namespace (tests), so these constants are what production uses.
 */

/** p0: paid accounts, p1: free accounts, p2: anonymous callers. Lower is served first. */
export const PRIORITIES = ['p0', 'p1', 'p2'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const TIERS = ['cpu', 'vlm'] as const satisfies readonly Tier[];

export const SUBJECTS = {
  /** `ocr.tasks.<tier>.<priority>`: one task per page. */
  tasks: 'ocr.tasks',
  /** One result per page, from the workers to the gateway. */
  results: 'ocr.results',
  /** A job reached `done` or `failed` (read by chat-service). */
  jobsFinished: 'ocr.jobs.finished',
} as const;

export function taskSubject(tier: Tier, priority: Priority): string {
  return `${SUBJECTS.tasks}.${tier}.${priority}`;
}

/** Tier and priority of a task subject, or null when it is not one. */
export function parseTaskSubject(subject: string): { tier: Tier; priority: Priority } | null {
  const match = /^ocr\.tasks\.([a-z]+)\.(p[0-9])$/.exec(subject);
  if (!match) return null;
  const tier = match[1] as Tier;
  const priority = match[2] as Priority;
  if (!(TIERS as readonly string[]).includes(tier) || !(PRIORITIES as readonly string[]).includes(priority)) return null;
  return { tier, priority };
}

export const STREAMS = {
  /** Work queue of page tasks (`ocr.tasks.>`). */
  tasks: 'OCR_TASKS',
  /** Work queue of page results (`ocr.results`), drained by the gateway. */
  results: 'OCR_RESULTS',
  /** Job events (`ocr.jobs.>`), kept for a while and read by any service interested. */
  events: 'OCR_EVENTS',
} as const;
export type StreamName = (typeof STREAMS)[keyof typeof STREAMS];

/**
 * Durable consumer names. The worker's are referenced by the KEDA ScaledObject (its
 * `nats-jetstream` trigger): change them here and in deploy/k8s together.
 */
export const CONSUMERS = {
  gatewayResults: 'gateway-results',
  chatJobsFinished: 'chat-service-jobs-finished',
  ocrWorker: {
    cpu: { p0: 'ocr-worker-cpu-p0', p1: 'ocr-worker-cpu-p1', p2: 'ocr-worker-cpu-p2' },
    vlm: { p0: 'ocr-worker-vlm-p0', p1: 'ocr-worker-vlm-p1', p2: 'ocr-worker-vlm-p2' },
  },
} as const satisfies {
  gatewayResults: string;
  chatJobsFinished: string;
  ocrWorker: Record<Tier, Record<Priority, string>>;
};

/** One lane of a prioritized consumer: a durable consumer on one subject. */
export interface PriorityLane {
  priority: string;
  durable: string;
  /** Un-namespaced subject this lane's consumer filters on. */
  filterSubject: string;
}

/** The worker's lanes for a tier, highest priority first. */
export function workerLanes(tier: Tier): PriorityLane[] {
  return PRIORITIES.map((priority) => ({
    priority,
    durable: CONSUMERS.ocrWorker[tier][priority],
    filterSubject: taskSubject(tier, priority),
  }));
}

/** JetStream message id of a page's task and of its result: `<job>:<page>` (de-duplication). */
export function pageMessageId(jobId: string, pageIndex: number): string {
  return `${jobId}:${pageIndex}`;
}

import type { JobPage } from '@ocr/documents';
import type { BusLogger, OcrTaskMessage } from '../src';

export function samplePage(index = 0): JobPage {
  return {
    index,
    source: 'ocr',
    width: 800,
    height: 600,
    text: 'TOTAL 12.50',
    markdown: 'TOTAL 12.50',
    blocks: [
      {
        text: 'TOTAL 12.50',
        bbox: [10, 10, 200, 40],
        confidence: 0.97,
        kind: 'paragraph',
        lines: [{ text: 'TOTAL 12.50', bbox: [10, 10, 200, 40], confidence: 0.97, words: [] }],
      },
    ],
    tables: [],
    mean_confidence: 0.97,
    language: 'en',
    engine: 'pp-ocrv4',
    timings_ms: { detect: 120, recognize: 300 },
  };
}

export function sampleTask(overrides: Partial<OcrTaskMessage> = {}): OcrTaskMessage {
  return {
    job_id: 'job-1',
    page_index: 0,
    page_count: 10,
    upload_key: 'uploads/job-1/original.pdf',
    mime: 'application/pdf',
    tier: 'cpu',
    language: 'auto',
    tool: null,
    priority: 'p1',
    ...overrides,
  };
}

export interface LogLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

/** A logger that keeps what it is told, for assertions. */
export function recordingLogger(): BusLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (message, fields) => void lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => void lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => void lines.push({ level: 'error', message, fields }),
  };
}

/** Polls until the check passes or the time is up. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

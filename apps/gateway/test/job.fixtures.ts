import type { JobPage } from '@ocr/documents';
import type { JobEntity } from '../src/database/job.entity';

/** A job row as the gateway creates it for a PDF upload, before any page is read. */
export function jobRow(overrides: Partial<Omit<JobEntity, 'created_at' | 'pages'>> = {}): Omit<JobEntity, 'created_at' | 'pages'> {
  return {
    id: '3f0c2a9e-8d0b-4c1e-9a55-0d5c0c7f1b21',
    account_id: null,
    client_ip: '203.0.113.7',
    status: 'pending',
    tier: 'cpu',
    language: 'en',
    tool: null,
    mime: 'application/pdf',
    file_name: 'scan.pdf',
    file_size: 1234,
    upload_key: 'uploads/x',
    page_count: 4,
    pages_done: 0,
    pages_failed: 0,
    priority: 1,
    mean_confidence: 0,
    text: '',
    markdown: '',
    error: null,
    finished_at: null,
    expires_at: null,
    settled: false,
    ...overrides,
  };
}

/** A page result as a worker sends it: one block, one line, one word, all with boxes. */
export function pageResult(index: number, text: string, confidence: number): JobPage {
  return {
    index,
    width: 1275,
    height: 1650,
    text,
    markdown: `# ${text}`,
    blocks: [
      {
        text,
        bbox: [10, 20, 300, 60],
        confidence,
        kind: 'paragraph',
        lines: [{ text, bbox: [10, 20, 300, 60], confidence, words: [{ text, bbox: [10, 20, 300, 60], confidence }] }],
      },
    ],
    tables: [],
    mean_confidence: confidence,
    language: 'en',
    engine: 'pp-ocrv4',
    source: 'ocr',
    timings_ms: { detect: 12.5, total: 812 },
  };
}

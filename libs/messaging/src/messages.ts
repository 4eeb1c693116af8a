import type { Block, JobPage, Line, Table, TableCell, Word } from '@ocr/documents';
import { z } from 'zod';
import { PRIORITIES, TIERS } from './subjects';

/**
 * Payloads of the page pipeline, with the zod schemas that validate them where they enter a
 * consumer. Objects are "loose": fields added later (the contract allows extra ones) pass through.
 */

const bbox = z.tuple([z.number(), z.number(), z.number(), z.number()]);
const confidence = z.number().min(0).max(1);

const word: z.ZodType<Word> = z.looseObject({ text: z.string(), bbox, confidence });
const line: z.ZodType<Line> = z.looseObject({ text: z.string(), bbox, confidence, words: z.array(word) });
const block: z.ZodType<Block> = z.looseObject({
  text: z.string(),
  bbox,
  confidence,
  kind: z.enum(['heading', 'paragraph', 'list', 'table', 'figure', 'header', 'footer', 'footnote']),
  lines: z.array(line),
});
const tableCell: z.ZodType<TableCell> = z.looseObject({
  row: z.int().nonnegative(),
  col: z.int().nonnegative(),
  row_span: z.int().positive(),
  col_span: z.int().positive(),
  bbox,
  text: z.string(),
});
const table: z.ZodType<Table> = z.looseObject({
  bbox,
  rows: z.int().nonnegative(),
  cols: z.int().nonnegative(),
  cells: z.array(tableCell),
});

export const jobPageSchema: z.ZodType<JobPage> = z.looseObject({
  index: z.int().nonnegative(),
  source: z.enum(['ocr', 'text-layer']),
  error: z.string().optional(),
  width: z.number().nonnegative(),
  height: z.number().nonnegative(),
  text: z.string(),
  markdown: z.string(),
  blocks: z.array(block),
  tables: z.array(table),
  mean_confidence: confidence,
  language: z.string(),
  engine: z.string(),
  timings_ms: z.record(z.string(), z.number()),
});

const jobId = z.string().min(1).max(200);

/** The tool preset whose pages are handwritten: workers read them with the engine that reads handwriting. */
export const HANDWRITING_TOOL = 'handwriting-to-text';

export const ocrTaskMessageSchema = z
  .object({
    job_id: jobId,
    page_index: z.int().nonnegative(),
    page_count: z.int().positive(),
    upload_key: z.string().min(1),
    mime: z.string().min(1),
    tier: z.enum(TIERS),
    language: z.string().min(1),
    tool: z.string().nullable().optional(),
    priority: z.enum(PRIORITIES),
    options: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((t) => t.page_index < t.page_count, { message: 'page_index must be below page_count', path: ['page_index'] });
/** One page to OCR, on `ocr.tasks.<tier>.<priority>`. */
export type OcrTaskMessage = z.infer<typeof ocrTaskMessageSchema>;

export const pageResultMessageSchema = z.object({
  job_id: jobId,
  page_index: z.int().nonnegative(),
  worker_id: z.string().min(1),
  page: jobPageSchema,
  /** Which delivery of the task produced it (1 = first). */
  attempt: z.int().positive(),
});
/** One page's result (or its error, in `page.error`), on `ocr.results`. */
export type PageResultMessage = z.infer<typeof pageResultMessageSchema>;

export const jobFinishedMessageSchema = z.object({
  job_id: jobId,
  account_id: z.string().nullable(),
  status: z.enum(['done', 'failed']),
  page_count: z.int().nonnegative(),
  /** Object-storage key of the finished job document (JSON), while the results are kept. */
  result_key: z.string().min(1).optional(),
});
/** A job ended, on `ocr.jobs.finished`. */
export type JobFinishedMessage = z.infer<typeof jobFinishedMessageSchema>;

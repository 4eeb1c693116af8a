import type { BBox, JobDocument } from '@ocr/documents';
import { exportV1 } from '@ocr/proto';
import { z } from 'zod';
import { ExportError } from '../errors/export.error';

/** The formats the service knows, by the name the renderers and file extensions use. */
export type ExportFormatName = 'txt' | 'md' | 'docx' | 'pdf' | 'csv' | 'json' | 'hocr' | 'alto';

const FORMAT_NAMES: Readonly<Record<string, ExportFormatName>> = {
  [exportV1.ExportFormat.EXPORT_FORMAT_TXT]: 'txt',
  [exportV1.ExportFormat.EXPORT_FORMAT_MD]: 'md',
  [exportV1.ExportFormat.EXPORT_FORMAT_DOCX]: 'docx',
  [exportV1.ExportFormat.EXPORT_FORMAT_PDF]: 'pdf',
  [exportV1.ExportFormat.EXPORT_FORMAT_CSV]: 'csv',
  [exportV1.ExportFormat.EXPORT_FORMAT_JSON]: 'json',
  [exportV1.ExportFormat.EXPORT_FORMAT_HOCR]: 'hocr',
  [exportV1.ExportFormat.EXPORT_FORMAT_ALTO]: 'alto',
};

const finite = z.number().finite();
const bbox = z.tuple([finite, finite, finite, finite]).transform((b) => b as BBox);
const confidence = z.number().min(0).max(1);

const wordSchema = z.object({ text: z.string(), bbox, confidence });
const lineSchema = z.object({ text: z.string(), bbox, confidence, words: z.array(wordSchema).default([]) });
const blockSchema = z.object({
  text: z.string(),
  bbox,
  confidence,
  kind: z.enum(['heading', 'paragraph', 'list', 'table', 'figure', 'header', 'footer', 'footnote']).default('paragraph'),
  lines: z.array(lineSchema).default([]),
});
const cellSchema = z.object({
  row: z.number().int().min(0),
  col: z.number().int().min(0),
  row_span: z.number().int().min(1).default(1),
  col_span: z.number().int().min(1).default(1),
  bbox,
  text: z.string(),
});
const tableSchema = z
  .object({ bbox, rows: z.number().int().min(0), cols: z.number().int().min(0), cells: z.array(cellSchema) })
  .refine((t) => t.cells.every((c) => c.row < t.rows && c.col < t.cols), {
    message: 'every cell must lie inside the table (row < rows, col < cols)',
  });
const pageSchema = z.object({
  index: z.number().int().min(0),
  width: z.number().min(0),
  height: z.number().min(0),
  text: z.string().default(''),
  markdown: z.string().default(''),
  blocks: z.array(blockSchema).default([]),
  tables: z.array(tableSchema).default([]),
  mean_confidence: z.number().default(0),
  language: z.string().default(''),
  engine: z.string().default(''),
  timings_ms: z.record(z.string(), z.number()).default({}),
  source: z.enum(['ocr', 'text-layer']).default('ocr'),
  error: z.string().nullish().transform((e) => e ?? undefined),
});

/**
 * The job document as the export service accepts it: the contract's fields, with the parts a
 * renderer does not strictly need (lines, words, tables, engine details) defaulted when absent.
 */
export const jobDocumentSchema = z.object({
  uuid: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/, 'expected a job uuid (letters, digits and dashes)'),
  status: z.enum(['pending', 'processing', 'done', 'failed']),
  tier: z.enum(['cpu', 'vlm']).default('cpu'),
  language: z.string().default('auto'),
  tool: z.string().nullish(),
  page_count: z.number().int().min(0).default(0),
  pages_done: z.number().int().min(0).default(0),
  mean_confidence: z.number().default(0),
  text: z.string().default(''),
  markdown: z.string().default(''),
  pages: z.array(pageSchema),
  error: z.string().nullish(),
  created_at: z.string().default(''),
  finished_at: z.string().nullish(),
});

/** A validated render request. `raw` is the job object exactly as sent (the json format returns it). */
export interface RenderJob {
  job: JobDocument;
  raw: Record<string, unknown>;
  format: ExportFormatName;
  pageImagesPrefix: string;
}

/** Validates a RenderDocument request where it enters; throws an ExportError saying what is wrong. */
export function parseRenderRequest(request: exportV1.RenderDocumentRequest): RenderJob {
  const format = parseFormat(request.format);
  let raw: unknown;
  try {
    raw = JSON.parse(request.job_json ?? '');
  } catch (error) {
    throw new ExportError('INVALID_JOB_JSON', `job_json is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ExportError('INVALID_JOB_JSON', 'job_json must be a JSON object (the job document)');
  }
  const parsed = jobDocumentSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const list = issues
      .slice(0, 5)
      .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
      .join('; ');
    const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
    throw new ExportError('INVALID_JOB_DOCUMENT', `job_json is not a valid job document: ${list}${more}`);
  }
  const job = parsed.data as JobDocument;
  if (job.status !== 'done') {
    throw new ExportError('JOB_NOT_FINISHED', `job ${job.uuid} is ${job.status}; only finished (done) jobs can be exported`);
  }
  return { job, raw: raw as Record<string, unknown>, format, pageImagesPrefix: request.page_images_prefix ?? '' };
}

function parseFormat(format: unknown): ExportFormatName {
  if (format === undefined || format === null || format === exportV1.ExportFormat.EXPORT_FORMAT_UNSPECIFIED || format === 0) {
    throw new ExportError('FORMAT_UNSPECIFIED', 'format is required (txt, md, docx, pdf, csv, json, hocr or alto)');
  }
  const name = typeof format === 'string' ? FORMAT_NAMES[format] : undefined;
  if (!name) throw new ExportError('FORMAT_UNKNOWN', `unknown format ${JSON.stringify(format)}`);
  return name;
}

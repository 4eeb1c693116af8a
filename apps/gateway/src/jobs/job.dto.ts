import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { failedPage, type JobDocument, type JobPage, type Tier } from '@ocr/documents';
import type { JobEntity } from '../database/job.entity';
import type { PageStatus } from '../database/page.entity';

export const TIERS: readonly Tier[] = ['cpu', 'vlm'];

/** The multipart fields of `POST /api/v1/ocr/` besides the file. */
export class SubmitJobDto {
  @IsOptional()
  @IsIn(TIERS, { message: 'tier must be one of: cpu, vlm' })
  tier?: Tier;

  @IsOptional()
  @IsString()
  @MaxLength(32)
  @Matches(/^[A-Za-z][A-Za-z0-9_+-]*$/, { message: 'language must be a language code such as en, ch or auto' })
  language?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  tool?: string;

  @IsOptional()
  @IsString()
  @MaxLength(32)
  translate_to?: string;
}

export class DownloadQueryDto {
  @IsOptional()
  @IsString()
  format?: string;
}

/** Joins page texts the way the job's `text` shows them. */
export const PAGE_TEXT_SEPARATOR = '\n\n';
export const PAGE_MARKDOWN_SEPARATOR = '\n\n---\n\n';

/**
 * A page that has a result, as stored: the result as the UTF-8 bytes of its JSON (copied into the
 * job's JSON as they are, never decoded nor parsed), or null for a page failed without one (see
 * `failPendingPages`). While the job runs, its text, markdown, confidence and error come along,
 * for the job's running summary.
 */
export interface StoredPage {
  index: number;
  status: PageStatus;
  error: string | null;
  result_json: Buffer | null;
  summary?: { text: string; markdown: string; mean_confidence: number; error: string | null };
}

/**
 * The contract's job object, as UTF-8 JSON, from the stored job and its pages that have a result.
 * Page results are copied in as stored: on a 300-page job polled every second, parsing and
 * re-serializing every page (or even decoding it into a string) would put megabytes of
 * short-lived objects on the V8 heap on each GET; bytes stay outside it.
 */
export function serializeJob(job: JobEntity, pages: StoredPage[]): Buffer {
  const done = pages.filter((p) => p.status !== 'pending').sort((a, b) => a.index - b.index);
  const finished = job.status === 'done' || job.status === 'failed';
  const summary = finished ? { text: job.text, markdown: job.markdown, mean: job.mean_confidence } : summarizeStored(done);
  const head: Omit<JobDocument, 'pages' | 'error' | 'created_at' | 'finished_at'> = {
    uuid: job.id,
    status: job.status,
    tier: job.tier,
    language: job.language,
    tool: job.tool,
    page_count: job.page_count,
    // While it runs, counted from the pages shown, so that the two always agree (a page may be
    // stored between reading the job and reading its pages).
    pages_done: finished ? job.pages_done : done.length,
    mean_confidence: round(summary.mean),
    text: summary.text,
    markdown: summary.markdown,
  };
  const tail: Pick<JobDocument, 'error' | 'created_at' | 'finished_at'> = {
    error: job.error,
    created_at: job.created_at.toISOString(),
    finished_at: job.finished_at ? job.finished_at.toISOString() : null,
  };
  const parts: Buffer[] = [Buffer.from(`${JSON.stringify(head).slice(0, -1)},"pages":[`)];
  done.forEach((p, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(p.result_json ?? Buffer.from(JSON.stringify(failedPage(p.index, p.error ?? 'failed'))));
  });
  parts.push(Buffer.from(`],${JSON.stringify(tail).slice(1)}`));
  return Buffer.concat(parts);
}

const COMMA = Buffer.from(',');

/** The running summary from stored pages (the same as `summarize` over their results). */
function summarizeStored(pages: StoredPage[]): { text: string; markdown: string; mean: number } {
  return summarize(
    pages.map((p) =>
      p.result_json !== null && p.summary
        ? { text: p.summary.text, markdown: p.summary.markdown, mean_confidence: p.summary.mean_confidence, error: p.summary.error ?? undefined }
        : { text: '', markdown: '', mean_confidence: 0, error: p.error ?? 'failed' },
    ),
  );
}

/** Text, markdown and character-weighted mean confidence over the given pages. */
export function summarize(pages: Pick<JobPage, 'text' | 'markdown' | 'mean_confidence' | 'error'>[]): { text: string; markdown: string; mean: number } {
  const ok = pages.filter((p) => !p.error);
  let chars = 0;
  let weighted = 0;
  for (const p of ok) {
    const n = nonSpaceLength(p.text);
    chars += n;
    weighted += n * p.mean_confidence;
  }
  return {
    text: ok.map((p) => p.text).join(PAGE_TEXT_SEPARATOR),
    markdown: ok.map((p) => p.markdown).join(PAGE_MARKDOWN_SEPARATOR),
    mean: chars > 0 ? weighted / chars : 0,
  };
}

/** `text.replace(/\s/g, '').length` without building the string (UTF-16 code units, as `length` counts). */
export function nonSpaceLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i += 1) if (!isSpace(text.charCodeAt(i))) n += 1;
  return n;
}

/** The code units JavaScript's `\s` matches (WhiteSpace and LineTerminator of ECMA-262). */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

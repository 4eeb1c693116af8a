import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { failedPage, type JobDocument, type JobPage, type Tier } from '@ocr/documents';
import type { JobEntity } from '../database/job.entity';
import type { PageEntity } from '../database/page.entity';

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

/** The contract's job object from the stored job and its pages (finished ones carry results). */
export function mapJob(job: JobEntity, pages: PageEntity[]): JobDocument {
  const done = pages
    .filter((p) => p.status !== 'pending')
    .sort((a, b) => a.index - b.index)
    .map((p) => pageOf(p));
  const finished = job.status === 'done' || job.status === 'failed';
  const summary = finished ? { text: job.text, markdown: job.markdown, mean: job.mean_confidence } : summarize(done);
  return {
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
    pages: done,
    error: job.error,
    created_at: job.created_at.toISOString(),
    finished_at: job.finished_at ? job.finished_at.toISOString() : null,
  };
}

function pageOf(p: PageEntity): JobPage {
  return p.result ?? failedPage(p.index, p.error ?? 'failed');
}

/** Text, markdown and character-weighted mean confidence over the given pages. */
export function summarize(pages: JobPage[]): { text: string; markdown: string; mean: number } {
  const ok = pages.filter((p) => !p.error);
  let chars = 0;
  let weighted = 0;
  for (const p of ok) {
    const n = p.text.replace(/\s/g, '').length;
    chars += n;
    weighted += n * p.mean_confidence;
  }
  return {
    text: ok.map((p) => p.text).join(PAGE_TEXT_SEPARATOR),
    markdown: ok.map((p) => p.markdown).join(PAGE_MARKDOWN_SEPARATOR),
    mean: chars > 0 ? weighted / chars : 0,
  };
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

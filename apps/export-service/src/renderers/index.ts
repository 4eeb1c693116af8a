import type { ExportFormatName, RenderJob } from '../export/export.dto';
import { renderAlto } from './alto.renderer';
import { renderCsv } from './csv.renderer';
import { renderDocx } from './docx.renderer';
import { renderHocr } from './hocr.renderer';
import { renderJson } from './json.renderer';
import { renderMd } from './md.renderer';
import type { PageImages } from '../pages/page-images.repository';
import { renderPdf } from './pdf.renderer';
import type { RenderedFile, StreamedFile } from './rendered-file';
import { renderTxt } from './txt.renderer';

export type { RenderedFile, StreamedFile } from './rendered-file';

/** A renderer: a function from a validated request to the file, whole or streamed. */
export type Renderer = (input: RenderJob) => RenderedFile | StreamedFile | Promise<RenderedFile | StreamedFile>;

/** The formats rendered from the job document alone (pure functions). */
export const RENDERERS: Partial<Record<ExportFormatName, Renderer>> = {
  txt: ({ job }) => renderTxt(job),
  md: ({ job }) => renderMd(job),
  json: ({ job, raw }) => renderJson({ ...raw, uuid: job.uuid }),
  csv: ({ job }) => renderCsv(job),
  docx: ({ job }) => renderDocx(job),
  hocr: ({ job }) => renderHocr(job),
  alto: ({ job }) => renderAlto(job),
};

/** Every format: the pure ones and the searchable PDF, drawn on the page images in `images`. */
export function createRenderers(images: PageImages): Record<ExportFormatName, Renderer> {
  return { ...(RENDERERS as Record<Exclude<ExportFormatName, 'pdf'>, Renderer>), pdf: (input) => renderPdf(input, images) };
}

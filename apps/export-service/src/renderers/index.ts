import type { ExportFormatName, RenderJob } from '../export/export.dto';
import { renderAlto } from './alto.renderer';
import { renderCsv } from './csv.renderer';
import { renderDocx } from './docx.renderer';
import { renderHocr } from './hocr.renderer';
import { renderJson } from './json.renderer';
import { renderMd } from './md.renderer';
import type { RenderedFile } from './rendered-file';
import { renderTxt } from './txt.renderer';

export type { RenderedFile } from './rendered-file';

/** A renderer: a pure function from a validated request to the file. */
export type Renderer = (input: RenderJob) => RenderedFile | Promise<RenderedFile>;

/** The formats that have a renderer. `pdf` has none yet (see the README). */
export const RENDERERS: Partial<Record<ExportFormatName, Renderer>> = {
  txt: ({ job }) => renderTxt(job),
  md: ({ job }) => renderMd(job),
  json: ({ job, raw }) => renderJson({ ...raw, uuid: job.uuid }),
  csv: ({ job }) => renderCsv(job),
  docx: ({ job }) => renderDocx(job),
  hocr: ({ job }) => renderHocr(job),
  alto: ({ job }) => renderAlto(job),
};

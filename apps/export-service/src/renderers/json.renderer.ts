import { RenderedFile, utf8 } from './rendered-file';

/** The job object as sent (every field, extra ones included), pretty-printed. */
export function renderJson(job: Record<string, unknown> & { uuid: string }): RenderedFile {
  return {
    contentType: 'application/json',
    fileName: `${job.uuid}.json`,
    body: utf8(`${JSON.stringify(job, null, 2)}\n`),
  };
}

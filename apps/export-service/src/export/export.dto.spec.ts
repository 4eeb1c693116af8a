import { exportV1 } from '@ocr/proto';
import { ExportError } from '../errors/export.error';
import { sampleJob } from '../testing/sample-job.fixture';
import { parseRenderRequest } from './export.dto';

const F = exportV1.ExportFormat;
const request = (job_json: string, format: exportV1.ExportFormat = F.EXPORT_FORMAT_TXT) => ({ job_json, format, page_images_prefix: '' });

function errorOf(fn: () => unknown): ExportError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ExportError) return error;
    throw error;
  }
  throw new Error('expected an ExportError');
}

describe(parseRenderRequest.name, () => {
  it('accepts a finished job and names the format', () => {
    const job = sampleJob();
    const sut = parseRenderRequest(request(JSON.stringify({ ...job, extra: 1 }), F.EXPORT_FORMAT_ALTO));
    expect(sut.format).toBe('alto');
    expect(sut.job.pages).toHaveLength(2);
    expect(sut.raw.extra).toBe(1);
  });

  it('accepts the public job object whose blocks carry no lines, kinds or tables', () => {
    const minimal = {
      uuid: 'abc-1',
      status: 'done',
      pages: [{ index: 0, width: 10, height: 10, text: 'hi', blocks: [{ text: 'hi', bbox: [0, 0, 5, 5], confidence: 0.5 }] }],
    };
    const sut = parseRenderRequest(request(JSON.stringify(minimal)));
    expect(sut.job.pages[0].blocks[0]).toMatchObject({ kind: 'paragraph', lines: [] });
    expect(sut.job.pages[0].tables).toEqual([]);
  });

  it('rejects text that is not JSON, and JSON that is not an object', () => {
    expect(errorOf(() => parseRenderRequest(request('{not json')))).toMatchObject({ code: 'INVALID_JOB_JSON' });
    expect(errorOf(() => parseRenderRequest(request('[1,2]')))).toMatchObject({ code: 'INVALID_JOB_JSON' });
    expect(errorOf(() => parseRenderRequest(request('')))).toMatchObject({ code: 'INVALID_JOB_JSON' });
  });

  it('names the fields that are wrong', () => {
    const job = sampleJob() as unknown as Record<string, any>;
    job.pages[0].blocks[1].bbox = [1, 2];
    delete job.uuid;
    const error = errorOf(() => parseRenderRequest(request(JSON.stringify(job))));
    expect(error.code).toBe('INVALID_JOB_DOCUMENT');
    expect(error.message).toContain('uuid');
    expect(error.message).toContain('pages.0.blocks.1.bbox');
  });

  it('rejects an unspecified or unknown format, and a job that is not done', () => {
    const json = JSON.stringify(sampleJob());
    expect(errorOf(() => parseRenderRequest(request(json, F.EXPORT_FORMAT_UNSPECIFIED)))).toMatchObject({ code: 'FORMAT_UNSPECIFIED' });
    expect(errorOf(() => parseRenderRequest(request(json, F.UNRECOGNIZED)))).toMatchObject({ code: 'FORMAT_UNKNOWN' });
    expect(errorOf(() => parseRenderRequest({ job_json: json, format: 42 as unknown as exportV1.ExportFormat, page_images_prefix: '' }))).toMatchObject({
      code: 'FORMAT_UNKNOWN',
    });
    const running = JSON.stringify({ ...sampleJob(), status: 'processing' });
    expect(errorOf(() => parseRenderRequest(request(running)))).toMatchObject({ code: 'JOB_NOT_FINISHED' });
  });
});

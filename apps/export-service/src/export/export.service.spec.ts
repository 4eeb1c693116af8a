import { exportV1 } from '@ocr/proto';
import { lastValueFrom, toArray } from 'rxjs';
import { ExportError } from '../errors/export.error';
import { RENDERERS } from '../renderers';
import { sampleJob } from '../testing/sample-job.fixture';
import { CHUNK_SIZE, ExportService, fileMessages } from './export.service';

const F = exportV1.ExportFormat;

describe(ExportService.name, () => {
  const sut = new ExportService(RENDERERS);
  const render = (format: exportV1.ExportFormat, job: object = sampleJob()) =>
    lastValueFrom(sut.render({ job_json: JSON.stringify(job), format, page_images_prefix: '' }).pipe(toArray()));

  it('streams the header first, then the file in chunks', async () => {
    const messages = await render(F.EXPORT_FORMAT_TXT);
    expect(messages[0]).toEqual({ header: { content_type: 'text/plain; charset=utf-8', file_name: `${sampleJob().uuid}.txt` } });
    const body = Buffer.concat(messages.slice(1).map((m) => m.chunk!));
    expect(body.toString('utf8')).toBe(sampleJob().pages.map((p) => p.text).join('\f'));
  });

  it('keeps every chunk within 64 KiB and the bytes intact for a large document', async () => {
    const job = sampleJob();
    job.pages = Array.from({ length: 300 }, (_, i) => ({ ...job.pages[0], index: i, text: `page ${i} ${'é'.repeat(1000)}` }));
    const messages = await render(F.EXPORT_FORMAT_TXT, job);
    const chunks = messages.slice(1).map((m) => m.chunk!);
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.every((c) => c.length > 0 && c.length <= CHUNK_SIZE)).toBe(true);
    expect(Buffer.concat(chunks).toString('utf8').split('\f')).toHaveLength(300);
  });

  it('answers pdf with a not-implemented error, never a fake file', async () => {
    await expect(render(F.EXPORT_FORMAT_PDF)).rejects.toMatchObject({ code: 'FORMAT_NOT_IMPLEMENTED' });
  });

  it('surfaces a bad request as an ExportError on the stream', async () => {
    await expect(lastValueFrom(sut.render({ job_json: 'nope', format: F.EXPORT_FORMAT_MD, page_images_prefix: '' }))).rejects.toBeInstanceOf(ExportError);
  });
});

describe(fileMessages.name, () => {
  it('sends a header alone for an empty file, and splits at the chunk size', () => {
    const file = (n: number) => ({ contentType: 't', fileName: 'f', body: new Uint8Array(n) });
    expect([...fileMessages(file(0))]).toHaveLength(1);
    expect([...fileMessages(file(10), 4)].slice(1).map((m) => m.chunk!.length)).toEqual([4, 4, 2]);
  });
});

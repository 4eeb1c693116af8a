import { exportV1 } from '@ocr/proto';
import { lastValueFrom, toArray } from 'rxjs';
import { ExportError } from '../errors/export.error';
import { createRenderers, RENDERERS } from '../renderers';
import { drawPage } from '../testing/page-image.fixture';
import { InMemoryPageImages } from '../testing/in-memory-page-images.fixture';
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

  it('answers a format without a renderer with a not-implemented error, never a fake file', async () => {
    await expect(render(F.EXPORT_FORMAT_PDF)).rejects.toMatchObject({ code: 'FORMAT_NOT_IMPLEMENTED' });
  });

  it('streams the searchable PDF from the page images, producing it only as fast as it is taken', async () => {
    const images = new InMemoryPageImages();
    const job = sampleJob();
    job.pages = Array.from({ length: 40 }, (_, i) => ({ ...job.pages[0]!, index: i }));
    const jpeg = await drawPage(1000, 1400, [], { noise: true });
    job.pages.forEach((p) => images.objects.set(`pages/${job.uuid}/${p.index}.jpg`, jpeg));
    let release!: () => void;
    let paused = 0;
    const paced = new ExportService(createRenderers(images));
    const received: exportV1.RenderDocumentResponse[] = [];
    // A receiver that is full after every 4 messages until released.
    const subscription = paced
      .render({ job_json: JSON.stringify(job), format: F.EXPORT_FORMAT_PDF, page_images_prefix: `pages/${job.uuid}/` }, () =>
        received.length % 4 === 0 ? new Promise<void>((r) => ((release = r), paused++)) : undefined,
      )
      .subscribe((m) => received.push(m));
    await new Promise((r) => setTimeout(r, 50));
    expect(paused).toBe(1);
    expect(received).toHaveLength(4);
    expect(images.reads).toBeLessThanOrEqual(2);
    subscription.unsubscribe();
    release();
    expect(received[0]).toEqual({ header: { content_type: 'application/pdf', file_name: `${job.uuid}.pdf` } });
  });

  it('surfaces a bad request as an ExportError on the stream', async () => {
    await expect(lastValueFrom(sut.render({ job_json: 'nope', format: F.EXPORT_FORMAT_MD, page_images_prefix: '' }))).rejects.toBeInstanceOf(ExportError);
  });
});

describe(fileMessages.name, () => {
  const all = async <T>(items: AsyncIterable<T>) => {
    const out: T[] = [];
    for await (const item of items) out.push(item);
    return out;
  };

  it('sends a header alone for an empty file, and splits at the chunk size', async () => {
    const file = (n: number) => ({ contentType: 't', fileName: 'f', body: new Uint8Array(n) });
    expect(await all(fileMessages(file(0)))).toHaveLength(1);
    expect((await all(fileMessages(file(10), 4))).slice(1).map((m) => m.chunk!.length)).toEqual([4, 4, 2]);
  });

  it('splits each part of a streamed file at the chunk size', async () => {
    async function* parts() {
      yield new Uint8Array(5);
      yield new Uint8Array(3);
    }
    const messages = await all(fileMessages({ contentType: 'application/pdf', fileName: 'f.pdf', chunks: parts() }, 4));
    expect(messages.slice(1).map((m) => m.chunk!.length)).toEqual([4, 1, 3]);
  });
});

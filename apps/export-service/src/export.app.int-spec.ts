import { ClientReadableStream, status } from '@grpc/grpc-js';
import { ClientGrpc, ClientProxyFactory } from '@nestjs/microservices';
import { jobArtifacts } from '@ocr/documents';
import { checkGrpcHealth, exportV1, grpcClientOptions, qualifiedServiceName } from '@ocr/proto';
import { createObjectStore, ObjectStore } from '@ocr/storage';
import { freePort } from '@ocr/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { loadExportConfig } from './config/export.config';
import { ExportApp, startExportApp } from './export.app';
import { drawPage } from './testing/page-image.fixture';
import { readPdf } from './testing/pdf-tools.fixture';
import { sampleJob } from './testing/sample-job.fixture';

/** The local-disk store, counting the objects read (to see how far ahead the PDF is produced). */
class CountingStore {
  reads = 0;
  constructor(readonly inner: ObjectStore) {}
  asStore(): ObjectStore {
    return new Proxy(this.inner, {
      get: (target, name, receiver) => {
        if (name === 'get') return (key: string) => (this.reads++, target.get(key));
        const value = Reflect.get(target, name, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }
}

const F = exportV1.ExportFormat;

describe('ExportService over gRPC', () => {
  let sut: ExportApp;
  let url: string;
  let client: ClientGrpc & { close(): void };
  let exporter: exportV1.ExportServiceClient;
  let storageDir: string;
  let store: CountingStore;

  beforeAll(async () => {
    url = `127.0.0.1:${await freePort()}`;
    storageDir = mkdtempSync(join(tmpdir(), 'export-int-'));
    store = new CountingStore(await createObjectStore(storageDir));
    sut = await startExportApp(loadExportConfig({ EXPORT_GRPC_URL: url, STORAGE_URL: storageDir, LOG_LEVEL: 'silent' }), { store: store.asStore() });
    client = ClientProxyFactory.create(grpcClientOptions('export', url)) as unknown as ClientGrpc & { close(): void };
    exporter = client.getService<exportV1.ExportServiceClient>(exportV1.EXPORT_SERVICE_NAME);
  });

  afterAll(async () => {
    client?.close();
    await sut?.close();
    rmSync(storageDir, { recursive: true, force: true });
  });

  async function render(format: exportV1.ExportFormat, job: object = sampleJob()) {
    const messages = await lastValueFrom(exporter.renderDocument({ job_json: JSON.stringify(job), format, page_images_prefix: '' }).pipe(toArray()));
    const [first, ...rest] = messages;
    return { header: first.header!, body: Buffer.concat(rest.map((m) => Buffer.from(m.chunk!))), messages };
  }

  it('reports SERVING on the standard health service', async () => {
    await expect(checkGrpcHealth(url)).resolves.toBe('SERVING');
    await expect(checkGrpcHealth(url, qualifiedServiceName('export'))).resolves.toBe('SERVING');
  });

  it.each([
    [F.EXPORT_FORMAT_TXT, 'text/plain; charset=utf-8', '.txt', 'Item and size Price\fSecond page text'],
    [F.EXPORT_FORMAT_MD, 'text/markdown; charset=utf-8', '.md', '<!-- page 2 -->'],
    [F.EXPORT_FORMAT_JSON, 'application/json', '.json', '"uuid": "9f2c1b7e-0000-4000-8000-000000000042"'],
    [F.EXPORT_FORMAT_CSV, 'text/csv; charset=utf-8', '.csv', '1,1,2,"Coffee, large","16 ""oz""",4.50\r\n'],
    [F.EXPORT_FORMAT_HOCR, 'text/html; charset=utf-8', '.hocr', `title="bbox 100 160 130 180; x_wconf 90">Tom</span>`],
    [F.EXPORT_FORMAT_ALTO, 'application/xml; charset=utf-8', '.alto.xml', 'CONTENT="Tom" WC="0.9"'],
  ])('renders %s with its content type, file name and content', async (format, contentType, extension, expected) => {
    const { header, body } = await render(format);
    expect(header).toEqual({ content_type: contentType, file_name: `${sampleJob().uuid}${extension}` });
    expect(body.toString('utf8')).toContain(expected);
  });

  it('renders a Word file (a zip with the document inside)', async () => {
    const { header, body } = await render(F.EXPORT_FORMAT_DOCX);
    expect(header.content_type).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(body.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(body.includes(Buffer.from('word/document.xml'))).toBe(true);
  });

  it('streams a large file in chunks of at most 64 KiB', async () => {
    const job = sampleJob();
    job.pages = Array.from({ length: 200 }, (_, i) => ({ ...job.pages[0], index: i, text: `page ${i} ${'x'.repeat(2000)}` }));
    const { messages, body } = await render(F.EXPORT_FORMAT_TXT, job);
    expect(messages.length).toBeGreaterThan(3);
    expect(messages.slice(1).every((m) => m.chunk!.length <= 64 * 1024)).toBe(true);
    expect(body.toString('utf8').split('\f')).toHaveLength(200);
  });

  it.each([
    ['bad JSON', '{oops', F.EXPORT_FORMAT_TXT, status.INVALID_ARGUMENT, 'INVALID_JOB_JSON'],
    ['an unspecified format', JSON.stringify(sampleJob()), F.EXPORT_FORMAT_UNSPECIFIED, status.INVALID_ARGUMENT, 'FORMAT_UNSPECIFIED'],
    ['a job that is not done', JSON.stringify({ ...sampleJob(), status: 'pending' }), F.EXPORT_FORMAT_TXT, status.FAILED_PRECONDITION, 'JOB_NOT_FINISHED'],
    ['pdf without the page images prefix', JSON.stringify(sampleJob()), F.EXPORT_FORMAT_PDF, status.INVALID_ARGUMENT, 'PAGE_IMAGES_REQUIRED'],
  ])('answers %s with the right gRPC status', async (_what, job_json, format, code, message) => {
    await expect(lastValueFrom(exporter.renderDocument({ job_json, format, page_images_prefix: '' }))).rejects.toMatchObject({
      code,
      details: expect.stringContaining(message),
    });
  });

  it('renders the searchable PDF from the page images in storage', async () => {
    const job = sampleJob();
    for (const page of job.pages) await store.inner.put(jobArtifacts.pageImage(job.uuid, page.index), await drawPage(page.width, page.height, [], { dpi: 150 }));
    const messages = await lastValueFrom(
      exporter.renderDocument({ job_json: JSON.stringify(job), format: F.EXPORT_FORMAT_PDF, page_images_prefix: jobArtifacts.pagesPrefix(job.uuid) }).pipe(toArray()),
    );
    expect(messages[0]!.header).toEqual({ content_type: 'application/pdf', file_name: `${job.uuid}.pdf` });
    const pdf = await readPdf(Buffer.concat(messages.slice(1).map((m) => Buffer.from(m.chunk!))));
    expect(pdf.info.Pages).toBe('2');
    expect(pdf.pageSizes[0]).toEqual([480, 672]); // 1000 × 1400 px at 150 dpi
    expect(pdf.text).toContain('Tom');
  });

  it('answers a job whose page images are gone with FAILED_PRECONDITION naming the pages', async () => {
    const job = { ...sampleJob(), uuid: '9f2c1b7e-0000-4000-8000-0000000000ff' };
    await expect(
      lastValueFrom(exporter.renderDocument({ job_json: JSON.stringify(job), format: F.EXPORT_FORMAT_PDF, page_images_prefix: jobArtifacts.pagesPrefix(job.uuid) })),
    ).rejects.toMatchObject({ code: status.FAILED_PRECONDITION, details: expect.stringContaining('PAGE_IMAGE_MISSING: the image of pages 1, 2') });
  });

  it('produces a 300-page PDF only as fast as the caller reads it', async () => {
    const job = sampleJob();
    job.uuid = '9f2c1b7e-0000-4000-8000-000000000300';
    job.pages = Array.from({ length: 300 }, (_, i) => ({ ...job.pages[0]!, index: i }));
    const jpeg = await drawPage(1000, 1400, [], { noise: true });
    for (const page of job.pages) await store.inner.put(jobArtifacts.pageImage(job.uuid, page.index), jpeg);
    const raw = client.getClientByServiceName<Record<string, (r: exportV1.RenderDocumentRequest) => ClientReadableStream<exportV1.RenderDocumentResponse>>>(
      exportV1.EXPORT_SERVICE_NAME,
    );
    store.reads = 0;
    const call = raw.renderDocument!({ job_json: JSON.stringify(job), format: F.EXPORT_FORMAT_PDF, page_images_prefix: jobArtifacts.pagesPrefix(job.uuid) });
    let bytes = 0;
    let messages = 0;
    let pausedAt = -1;
    const done = new Promise<void>((resolve, reject) => {
      call.on('data', (m: exportV1.RenderDocumentResponse) => {
        messages++;
        bytes += m.chunk?.length ?? 0;
        if (messages === 5) {
          call.pause();
          setTimeout(() => {
            pausedAt = store.reads;
            call.resume();
          }, 1000);
        }
      });
      call.on('end', resolve);
      call.on('error', reject);
    });
    await done;
    // While the caller did not read, the service read a bounded number of page images ahead (a few
    // MiB of gRPC buffers), not the 300 pages.
    expect(pausedAt).toBeGreaterThan(0);
    expect(pausedAt).toBeLessThan(60);
    expect(store.reads).toBe(300);
    expect(bytes).toBeGreaterThan(300 * jpeg.length);
    process.stdout.write(`300 pages of ${jpeg.length} B: ${pausedAt} page images read while the caller paused; ${bytes} B streamed\n`);
  }, 120_000);
});

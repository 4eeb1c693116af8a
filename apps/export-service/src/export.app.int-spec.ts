import { status } from '@grpc/grpc-js';
import { ClientGrpc, ClientProxyFactory } from '@nestjs/microservices';
import { checkGrpcHealth, exportV1, grpcClientOptions, qualifiedServiceName } from '@ocr/proto';
import { freePort } from '@ocr/testing';
import { lastValueFrom, toArray } from 'rxjs';
import { loadExportConfig } from './config/export.config';
import { ExportApp, startExportApp } from './export.app';
import { sampleJob } from './testing/sample-job.fixture';

const F = exportV1.ExportFormat;

describe('ExportService over gRPC', () => {
  let sut: ExportApp;
  let url: string;
  let client: ClientGrpc & { close(): void };
  let exporter: exportV1.ExportServiceClient;

  beforeAll(async () => {
    url = `127.0.0.1:${await freePort()}`;
    sut = await startExportApp(loadExportConfig({ EXPORT_GRPC_URL: url, LOG_LEVEL: 'silent' }));
    client = ClientProxyFactory.create(grpcClientOptions('export', url)) as unknown as ClientGrpc & { close(): void };
    exporter = client.getService<exportV1.ExportServiceClient>(exportV1.EXPORT_SERVICE_NAME);
  });

  afterAll(async () => {
    client?.close();
    await sut?.close();
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
    ['pdf (not implemented yet)', JSON.stringify(sampleJob()), F.EXPORT_FORMAT_PDF, status.UNIMPLEMENTED, 'FORMAT_NOT_IMPLEMENTED'],
  ])('answers %s with the right gRPC status', async (_what, job_json, format, code, message) => {
    await expect(lastValueFrom(exporter.renderDocument({ job_json, format, page_images_prefix: '' }))).rejects.toMatchObject({
      code,
      details: expect.stringContaining(message),
    });
  });
});

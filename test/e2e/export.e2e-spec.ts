import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { ROOT, startPlatform, StartedPlatform } from './platform';

const run = promisify(execFile);

/** Tesseract's test page (Apache-2.0), committed. */
const PHOTOTEST = join(ROOT, 'libs/ocr-engine/test/fixtures/phototest.tif');

interface Job {
  uuid: string;
  status: string;
  page_count: number;
  text: string;
}

/** What each format must answer with, and a check of its content a user would make. */
const FORMATS: { format: string; contentType: RegExp; extension: string; check: (body: Buffer, job: Job) => Promise<void> | void }[] = [
  { format: 'txt', contentType: /^text\/plain; charset=utf-8$/, extension: 'txt', check: (b) => expect(b.toString('utf8')).toContain('quick brown') },
  { format: 'md', contentType: /^text\/markdown; charset=utf-8$/, extension: 'md', check: (b) => expect(b.toString('utf8')).toContain('quick brown') },
  { format: 'json', contentType: /^application\/json/, extension: 'json', check: (b, job) => expect(JSON.parse(b.toString('utf8'))).toMatchObject({ uuid: job.uuid, status: 'done' }) },
  { format: 'csv', contentType: /^text\/csv; charset=utf-8$/, extension: 'csv', check: (b) => expect(b.toString('utf8')).toMatch(/^page,table,row/) },
  { format: 'docx', contentType: /^application\/vnd\.openxmlformats-officedocument\.wordprocessingml\.document$/, extension: 'docx', check: (b) => expect(b.subarray(0, 2).toString('latin1')).toBe('PK') },
  { format: 'hocr', contentType: /^text\/html; charset=utf-8$/, extension: 'hocr', check: (b) => expect(b.toString('utf8')).toMatch(/class=['"]ocrx_word['"][^>]*>quick</) },
  { format: 'alto', contentType: /^application\/xml; charset=utf-8$/, extension: 'alto.xml', check: (b) => expect(b.toString('utf8')).toContain('CONTENT="quick"') },
  {
    format: 'pdf',
    contentType: /^application\/pdf$/,
    extension: 'pdf',
    check: async (b) => {
      const { pages, text } = await pdfText(b);
      expect(pages).toBe(1);
      expect(text.replace(/\s+/g, ' ')).toContain('The quick brown dog jumped over the lazy fox.');
    },
  },
];

/** What poppler-utils read from a PDF: its page count and its text. */
async function pdfText(pdf: Buffer): Promise<{ pages: number; text: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-export-'));
  try {
    const file = join(dir, 'download.pdf');
    writeFileSync(file, pdf);
    const { stdout: info } = await run('pdfinfo', [file]);
    const { stdout: text } = await run('pdftotext', [file, '-']);
    return { pages: Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]), text };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A scanned PDF of `count` pages, each a line of printed words, so it is queued (more than 5 pages). */
async function scannedPdf(count: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < count; i++) {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="200"><rect width="100%" height="100%" fill="white"/><text x="40" y="110" font-family="DejaVu Sans" font-size="44" fill="black">Export page ${i + 1} harbor</text></svg>`;
    const image = await doc.embedPng(await sharp(Buffer.from(svg)).png().toBuffer());
    const page = doc.addPage([(image.width * 72) / 144, (image.height * 72) / 144]);
    page.drawImage(image, { x: 0, y: 0, width: page.getWidth(), height: page.getHeight() });
  }
  return Buffer.from(await doc.save());
}

async function submit(p: StartedPlatform, bytes: Buffer, name: string, type: string, token = p.token): Promise<Job> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const res = await fetch(`${p.url}/api/v1/ocr/`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
  const body = (await res.json()) as Job;
  expect(res.status).toBeLessThan(300);
  return body;
}

function download(p: StartedPlatform, uuid: string, format: string, token = p.token): Promise<Response> {
  return fetch(`${p.url}/api/v1/ocr/${uuid}/download/?format=${encodeURIComponent(format)}`, { headers: { Authorization: `Bearer ${token}` } });
}

async function waitDone(p: StartedPlatform, uuid: string, timeoutMs: number): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${p.url}/api/v1/ocr/${uuid}/`, { headers: { Authorization: `Bearer ${p.token}` } });
    const job = (await res.json()) as Job;
    if (job.status === 'done' || job.status === 'failed' || Date.now() > deadline) return job;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Another account, opened with the operator CLI as an operator would. */
async function otherAccountToken(p: StartedPlatform): Promise<string> {
  const email = `e2e-export-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
  const { stdout } = await run(process.execPath, [join(ROOT, 'apps/billing/dist/cli.js'), 'create-account', '--email', email, '--plan', 'paid', '--credits', '100'], {
    env: { ...process.env, BILLING_GRPC_URL: p.billing },
    timeout: 30_000,
  });
  return (JSON.parse(stdout) as { token: string }).token;
}

/** Downloads through the whole platform (scripts/platform.js): every format of a finished job, and the refusals. */
describe('downloads through the platform', () => {
  let platform: StartedPlatform;
  let job: Job;

  beforeAll(async () => {
    platform = await startPlatform({ workers: 1 });
    job = await submit(platform, readFileSync(PHOTOTEST), 'phototest.tif', 'image/tiff');
    expect(job.status).toBe('done');
  }, 240_000);

  afterAll(async () => {
    await platform?.stop();
  });

  it.each(FORMATS)('downloads $format with its content type and file name', async ({ format, contentType, extension, check }) => {
    const res = await download(platform, job.uuid, format);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(contentType);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${job.uuid}.${extension}"`);
    await check(Buffer.from(await res.arrayBuffer()), job);
  }, 60_000);

  it('answers an unknown format with 400 and says which formats there are', async () => {
    const res = await download(platform, job.uuid, 'exe');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { detail: string; code: string };
    expect(body.detail).toContain('pdf');
  });

  it("answers another account's job with 404", async () => {
    const res = await download(platform, job.uuid, 'pdf', await otherAccountToken(platform));
    expect(res.status).toBe(404);
  }, 60_000);

  it('answers 409 until a queued job is done, then serves its searchable PDF page by page', async () => {
    const queued = await submit(platform, await scannedPdf(7), 'seven.pdf', 'application/pdf');
    expect(queued.status).not.toBe('done');
    const early = await download(platform, queued.uuid, 'pdf');
    expect(early.status).toBe(409);
    expect(((await early.json()) as { detail: string }).detail).toMatch(/done/);

    const finished = await waitDone(platform, queued.uuid, 180_000);
    expect(finished.status).toBe('done');
    const res = await download(platform, queued.uuid, 'pdf');
    expect(res.status).toBe(200);
    const { pages, text } = await pdfText(Buffer.from(await res.arrayBuffer()));
    expect(pages).toBe(7);
    const perPage = text.split('\f');
    for (let i = 0; i < 7; i++) expect(perPage[i]).toContain(`page ${i + 1}`);
  }, 240_000);
});

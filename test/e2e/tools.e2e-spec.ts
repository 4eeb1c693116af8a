import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startPlatform, StartedPlatform } from './platform';

/** Tesseract's test page (Apache-2.0), committed. */
const PHOTOTEST = join(ROOT, 'libs/ocr-engine/test/fixtures/phototest.tif');

interface Job {
  status: string;
  tool: string | null;
  text: string;
  pages: { engine: string; language: string }[];
}

async function ocr(p: StartedPlatform, fields: Record<string, string>): Promise<Job> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(readFileSync(PHOTOTEST))], { type: 'image/tiff' }), 'phototest.tif');
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const res = await fetch(`${p.url}/api/v1/ocr/`, { method: 'POST', headers: { Authorization: `Bearer ${p.token}` }, body: form });
  expect(res.status).toBe(200);
  return (await res.json()) as Job;
}

/** Tool presets that change how a page is read, through the whole platform (scripts/platform.js). */
describe('tool presets through the platform', () => {
  let platform: StartedPlatform;

  beforeAll(async () => {
    platform = await startPlatform({ workers: 1 });
  }, 240_000);

  afterAll(async () => {
    await platform?.stop();
  });

  it('reads a French page with Tesseract, and the same page sent with tool=handwriting-to-text with PP-OCRv4 alone', async () => {
    const printed = await ocr(platform, { language: 'fr' });
    const handwritten = await ocr(platform, { language: 'fr', tool: 'handwriting-to-text' });

    expect(printed).toMatchObject({ status: 'done', tool: null, pages: [expect.objectContaining({ engine: 'tesseract-5' })] });
    expect(handwritten).toMatchObject({ status: 'done', tool: 'handwriting-to-text', pages: [expect.objectContaining({ engine: 'pp-ocrv4' })] });
    expect(handwritten.text.replace(/\s+/g, ' ')).toContain('The quick brown dog jumped over the lazy fox.');
  }, 120_000);
});

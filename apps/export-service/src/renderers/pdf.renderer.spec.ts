/**
 * @jest-environment ./libs/ocr-engine/test/onnx.environment.js
 */
import type { JobDocument, JobPage, PageOcr } from '@ocr/documents';
import { failedPage, jobArtifacts } from '@ocr/documents';
import { createPaddleEngine, decodeImage, type PaddleOcrEngine } from '@ocr/ocr-engine';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { ExportError } from '../errors/export.error';
import type { RenderJob } from '../export/export.dto';
import { InMemoryPageImages } from '../testing/in-memory-page-images.fixture';
import { drawPage } from '../testing/page-image.fixture';
import { iou, readPdf, type PdfReadout } from '../testing/pdf-tools.fixture';
import { pageImageKey, renderPdf } from './pdf.renderer';
import type { StreamedFile } from './rendered-file';

const ROOT = resolve(__dirname, '..', '..', '..', '..');
// Tesseract's test page (Apache-2.0), committed: the test runs from a clean clone.
const PHOTOTEST = join(ROOT, 'libs/ocr-engine/test/fixtures/phototest.tif');
// The evaluation set beside the project (research-only SROIE receipts: read here, never committed).
const DEV = join(ROOT, '..', 'shared', 'eval', 'dev');

const UUID = '5d6e7f80-0000-4000-8000-00000000a001';
const PREFIX = jobArtifacts.pagesPrefix(UUID);

function job(pages: JobPage[]): JobDocument {
  return {
    uuid: UUID,
    status: 'done',
    tier: 'cpu',
    language: 'en',
    page_count: pages.length,
    pages_done: pages.length,
    mean_confidence: 0.9,
    text: pages.map((p) => p.text).join('\f'),
    markdown: '',
    pages,
    created_at: '2026-11-25T10:00:00Z',
  };
}

const request = (doc: JobDocument, pageImagesPrefix = PREFIX): RenderJob => ({ job: doc, raw: doc as never, format: 'pdf', pageImagesPrefix });
const jobPage = (index: number, ocr: PageOcr): JobPage => ({ ...ocr, index, source: 'ocr' });

async function collect(file: StreamedFile): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of file.chunks) parts.push(c);
  return Buffer.concat(parts);
}

/** The page as a worker stores it: decoded, then JPEG at quality 85. */
async function workerJpeg(bytes: Buffer) {
  const raster = await decodeImage(bytes);
  const jpeg = await sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: raster.channels } }).jpeg({ quality: 85 }).toBuffer();
  return { raster, jpeg };
}

/** Share of the job's words whose best-overlapping extracted word (same page) has IoU ≥ 0.5. */
function wordsOnTheirBoxes(doc: JobDocument, pdf: PdfReadout): { share: number; words: number; meanIou: number } {
  const ious: number[] = [];
  for (const [p, page] of doc.pages.entries()) {
    const extracted = pdf.words.filter((w) => w.page === p);
    for (const block of page.blocks)
      for (const line of block.lines)
        for (const word of line.words) {
          if (word.text.trim() === '') continue;
          ious.push(Math.max(0, ...extracted.map((e) => iou(e.box, word.bbox))));
        }
  }
  return {
    share: ious.filter((v) => v >= 0.5).length / ious.length,
    words: ious.length,
    meanIou: ious.reduce((a, b) => a + b, 0) / ious.length,
  };
}

describe(renderPdf.name, () => {
  describe('on pages read by the OCR engine', () => {
    let engine: PaddleOcrEngine;
    beforeAll(async () => {
      engine = await createPaddleEngine({ intraOpThreads: 2 });
    });
    afterAll(() => engine.close());

    async function ocrJob(files: string[]) {
      const images = new InMemoryPageImages();
      const pages: JobPage[] = [];
      let jpegBytes = 0;
      for (const [i, file] of files.entries()) {
        const { raster, jpeg } = await workerJpeg(readFileSync(file));
        pages.push(jobPage(i, await engine.recognize(raster, { language: 'en' })));
        images.objects.set(jobArtifacts.pageImage(UUID, i), jpeg);
        jpegBytes += jpeg.length;
      }
      return { doc: job(pages), images, jpegBytes };
    }

    it('puts the words of the committed test page on their boxes, searchable and close to the image size', async () => {
      const { doc, images, jpegBytes } = await ocrJob([PHOTOTEST]);
      const file = await renderPdf(request(doc), images);
      expect(file).toMatchObject({ contentType: 'application/pdf', fileName: `${UUID}.pdf` });
      const bytes = await collect(file);
      const pdf = await readPdf(bytes);
      expect(pdf.info.Pages).toBe('1');
      // No resolution in the image: one pixel per point, so the page keeps the image's size and shape.
      expect(pdf.pageSizes).toEqual([[640, 480]]);
      const placed = wordsOnTheirBoxes(doc, pdf);
      expect(placed.words).toBeGreaterThan(50);
      expect(placed.share).toBeGreaterThanOrEqual(0.95);
      const text = pdf.text.replace(/\s+/g, ' ');
      expect(text).toContain('The quick brown dog jumped over the lazy fox.');
      expect(bytes.length).toBeLessThan(jpegBytes * 1.1 + 8 * 1024);
      process.stdout.write(`phototest: ${placed.words} words, ${(placed.share * 100).toFixed(1)}% with IoU ≥ 0.5, mean IoU ${placed.meanIou.toFixed(3)}; PDF ${bytes.length} B for ${jpegBytes} B of JPEG\n`);
    }, 60_000);

    const receipts = existsSync(DEV)
      ? readdirSync(DEV)
          .filter((d) => d.startsWith('dev-A-sroie-'))
          .slice(0, 3)
          .map((d) => join(DEV, d, `${d.slice('dev-A-sroie-'.length)}.jpg`))
          .filter((f) => existsSync(f))
      : [];
    (receipts.length > 0 ? it : it.skip)(`puts the words of the dev receipts on their boxes (${receipts.length} SROIE receipts)`, async () => {
      const { doc, images, jpegBytes } = await ocrJob(receipts);
      const bytes = await collect(await renderPdf(request(doc), images));
      const pdf = await readPdf(bytes);
      expect(pdf.info.Pages).toBe(String(receipts.length));
      expect(pdf.pageSizes).toEqual(doc.pages.map((p) => [p.width, p.height]));
      const placed = wordsOnTheirBoxes(doc, pdf);
      expect(placed.share).toBeGreaterThanOrEqual(0.95);
      const text = pdf.text.toUpperCase();
      for (const page of doc.pages) {
        const longest = page.blocks.flatMap((b) => b.lines.flatMap((l) => l.words)).sort((a, b) => b.text.length - a.text.length)[0];
        if (longest) expect(text).toContain(longest.text.toUpperCase());
      }
      expect(bytes.length).toBeLessThan(jpegBytes * 1.1 + 8 * 1024);
      process.stdout.write(`dev receipts: ${receipts.length} pages, ${placed.words} words, ${(placed.share * 100).toFixed(1)}% with IoU ≥ 0.5, mean IoU ${placed.meanIou.toFixed(3)}; PDF ${bytes.length} B for ${jpegBytes} B of JPEG\n`);
    }, 180_000);
  });

  it('sizes the page from the resolution the image states', async () => {
    const images = new InMemoryPageImages();
    images.objects.set(pageImageKey(PREFIX, 0), await drawPage(850, 1100, [{ text: 'Letter', bbox: [100, 100, 300, 150] }], { dpi: 100 }));
    const page = { ...failedPage(0, ''), error: undefined, width: 850, height: 1100, text: 'Letter' };
    page.blocks = [{ kind: 'paragraph', text: 'Letter', bbox: [100, 100, 300, 150], confidence: 0.9, lines: [{ text: 'Letter', bbox: [100, 100, 300, 150], confidence: 0.9, words: [{ text: 'Letter', bbox: [100, 100, 300, 150], confidence: 0.9 }] }] }];
    const pdf = await readPdf(await collect(await renderPdf(request(job([page])), images)));
    expect(pdf.pageSizes).toEqual([[612, 792]]);
    expect(iou(pdf.words[0]!.box, [72, 72, 216, 108])).toBeGreaterThan(0.9);
  });

  it('keeps a failed page without an image as a blank page, so page numbers stay those of the job', async () => {
    const images = new InMemoryPageImages();
    images.objects.set(pageImageKey(PREFIX, 0), await drawPage(300, 200, [{ text: 'first', bbox: [20, 20, 120, 60] }]));
    const first: JobPage = { ...failedPage(0, ''), error: undefined, width: 300, height: 200, text: 'first' };
    first.blocks = [{ kind: 'paragraph', text: 'first', bbox: [20, 20, 120, 60], confidence: 0.9, lines: [] }];
    const pdf = await readPdf(await collect(await renderPdf(request(job([first, failedPage(1, 'engine timed out')])), images)));
    expect(pdf.info.Pages).toBe('2');
    expect(pdf.pageSizes[1]).toEqual([612, 792]);
    // A block without lines still gets its text, on the block's box.
    expect(pdf.text.split('\f')[0]).toContain('first');
  });

  it('refuses, before any byte, a job whose page images are not in storage', async () => {
    const images = new InMemoryPageImages();
    images.objects.set(pageImageKey(PREFIX, 1), await drawPage(100, 100, []));
    const pages = [0, 1, 2].map((i) => ({ ...failedPage(i, ''), error: undefined }));
    await expect(renderPdf(request(job(pages)), images)).rejects.toMatchObject({
      code: 'PAGE_IMAGE_MISSING',
      message: expect.stringContaining('pages 1, 3 of job'),
    });
  });

  it('needs the page images prefix, and a valid one', async () => {
    const images = new InMemoryPageImages();
    const doc = job([{ ...failedPage(0, ''), error: undefined }]);
    await expect(renderPdf(request(doc, ''), images)).rejects.toMatchObject({ code: 'PAGE_IMAGES_REQUIRED' });
    await expect(renderPdf(request(doc, '../pages/'), images)).rejects.toMatchObject({ code: 'PAGE_IMAGES_REQUIRED' });
  });

  it('says which page image is not a JPEG', async () => {
    const images = new InMemoryPageImages();
    images.objects.set(pageImageKey(PREFIX, 0), await sharp({ create: { width: 10, height: 10, channels: 3, background: '#fff' } }).png().toBuffer());
    const file = await renderPdf(request(job([{ ...failedPage(0, ''), error: undefined }])), images);
    const error = await collect(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportError);
    expect(error).toMatchObject({ code: 'PAGE_IMAGE_INVALID', message: expect.stringContaining('page 1 is not a usable JPEG') });
  });

  it('reads the page images of a 300-page job one at a time, as the file is taken', async () => {
    const images = new InMemoryPageImages();
    const jpeg = await drawPage(1200, 1600, [{ text: 'page', bbox: [100, 100, 400, 180] }], { noise: true });
    const pages = Array.from({ length: 300 }, (_, i) => {
      images.objects.set(pageImageKey(PREFIX, i), jpeg);
      return { ...failedPage(i, ''), error: undefined, width: 1200, height: 1600 };
    });
    const file = await renderPdf(request(job(pages)), images);
    let taken = 0;
    for await (const chunk of file.chunks) {
      taken += chunk.length;
      if (taken > 3 * jpeg.length) break;
    }
    expect(images.reads).toBeLessThanOrEqual(4);

    const again = await renderPdf(request(job(pages)), images);
    const whole = await collect(again);
    const pdf = await readPdf(whole);
    expect(pdf.info.Pages).toBe('300');
    expect(whole.length).toBeLessThan(300 * jpeg.length * 1.05);
  }, 60_000);
});

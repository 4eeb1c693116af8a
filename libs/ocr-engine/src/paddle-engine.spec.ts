/**
 * @jest-environment ./libs/ocr-engine/test/onnx.environment.js
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { RasterImage } from './engine';
import { OcrEngineError } from './errors';
import { createPaddleEngine, PaddleOcrEngine } from './paddle-engine';
import { decodeImage } from './pipeline/load/load';

// Runs the real PP-OCRv4 models on a committed page (tesseract's phototest.tif, Apache-2.0).
const fixture = join(__dirname, '..', 'test', 'fixtures', 'phototest.tif');

async function rotated(angle: number): Promise<RasterImage> {
  const { data, info } = await sharp(readFileSync(fixture)).rotate(angle, { background: '#ffffff' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels as 3 };
}

const flat = (text: string) => text.replace(/\s+/g, ' ').trim();

describe(PaddleOcrEngine.name, () => {
  let sut: PaddleOcrEngine;
  let page: RasterImage;
  beforeAll(async () => {
    sut = await createPaddleEngine({ intraOpThreads: 2 });
    page = await decodeImage(readFileSync(fixture));
  });
  afterAll(() => sut.close());

  it('reads the page with its spaces, in order', async () => {
    const result = await sut.recognize(page, { language: 'en' });
    const text = flat(result.text);
    expect(text).toContain('This is a lot of 12 point text to test the');
    expect(text).toContain('The quick brown dog jumped over the lazy fox.');
    expect(text.indexOf('This is a lot')).toBeLessThan(text.indexOf('The quick brown'));
    expect(result.mean_confidence).toBeGreaterThan(0.9);
    expect(result.engine).toBe('pp-ocrv4');
    expect([result.width, result.height]).toEqual([640, 480]);
  });

  it('gives every line words with page-pixel boxes in reading order', async () => {
    const result = await sut.recognize(page, { language: 'en' });
    const lines = result.blocks.flatMap((b) => b.lines);
    expect(lines.length).toBeGreaterThanOrEqual(8);
    for (const line of lines) {
      expect(line.words.map((w) => w.text).join(' ')).toBe(line.text);
      for (const w of line.words) {
        expect(w.bbox[0]).toBeGreaterThanOrEqual(line.bbox[0] - 1);
        expect(w.bbox[2]).toBeLessThanOrEqual(line.bbox[2] + 1);
        expect(w.confidence).toBeGreaterThan(0);
      }
      for (let i = 1; i < line.words.length; i++) expect(line.words[i]!.bbox[0]).toBeGreaterThanOrEqual(line.words[i - 1]!.bbox[0]);
    }
    // "This" starts the page near its left margin, "types" ends line two near the right.
    const first = lines[0]!.words[0]!;
    expect(first.text).toBe('This');
    expect(first.bbox[0]).toBeLessThan(60);
    expect(first.bbox[2]).toBeLessThan(130);
  });

  it.each([90, 180, 270, 3, -4])('reads the page turned by %i°', async (angle) => {
    const result = await sut.recognize(await rotated(angle), { language: 'en' });
    const text = flat(result.text);
    expect(text).toContain('This is a lot of');
    expect(text).toContain('brown dog jumped over the lazy fox');
    expect(text.indexOf('This is a lot')).toBeLessThan(text.indexOf('The quick brown'));
  });

  it('returns an empty page for a blank page and for a 1×1 image', async () => {
    const blank = await sut.recognize({ data: Buffer.alloc(800 * 600 * 3, 255), width: 800, height: 600, channels: 3 }, { language: 'en' });
    expect(blank).toMatchObject({ text: '', blocks: [], mean_confidence: 0 });
    const dot = await sut.recognize({ data: Buffer.from([0]), width: 1, height: 1, channels: 1 }, { language: 'en' });
    expect(dot).toMatchObject({ text: '', blocks: [], width: 1, height: 1 });
  });

  it('reads a huge page by shrinking it for detection (20000 × 20000, blank)', async () => {
    const huge = await sut.recognize({ data: Buffer.alloc(20000 * 20000, 255), width: 20000, height: 20000, channels: 1 }, { language: 'en' });
    expect(huge).toMatchObject({ text: '', width: 20000, height: 20000 });
  });

  it('refuses a page over the pixel limit with image_too_large', async () => {
    const small = await createPaddleEngine({ maxPixels: 1000 });
    try {
      await expect(small.recognize(page, { language: 'en' })).rejects.toMatchObject({ name: 'OcrEngineError', code: 'image_too_large' });
    } finally {
      await small.close();
    }
  });

  it('refuses a buffer that does not match the stated size with bad_image', async () => {
    await expect(sut.recognize({ data: Buffer.alloc(10), width: 100, height: 100, channels: 3 }, { language: 'en' })).rejects.toBeInstanceOf(OcrEngineError);
    await expect(sut.recognize({ data: Buffer.alloc(10), width: 0, height: 100, channels: 3 }, { language: 'en' })).rejects.toMatchObject({ code: 'bad_image' });
  });

  it('gives up with a timeout error when the page takes longer than timeoutMs', async () => {
    await expect(sut.recognize(page, { language: 'en', timeoutMs: 1 })).rejects.toMatchObject({ code: 'timeout' });
  });

  it('returns a result (not a crash) for pure noise', async () => {
    const noise = Buffer.alloc(400 * 300 * 3);
    let seed = 42;
    for (let i = 0; i < noise.length; i++) noise[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    const result = await sut.recognize({ data: noise, width: 400, height: 300, channels: 3 }, { language: 'en', timeoutMs: 30_000 });
    expect(typeof result.text).toBe('string');
    expect(result.mean_confidence).toBeGreaterThanOrEqual(0);
  });

  it('reads the same words, boxes and confidences from the folded models as from the packaged ones', async () => {
    const packaged = await createPaddleEngine({ intraOpThreads: 2, foldModels: false });
    try {
      const [folded, original] = [await sut.recognize(page, { language: 'en' }), await packaged.recognize(page, { language: 'en' })];
      expect(folded.text).toBe(original.text);
      const words = (r: typeof folded) => r.blocks.flatMap((b) => b.lines.flatMap((l) => l.words));
      const [a, b] = [words(folded), words(original)];
      expect(a.length).toBeGreaterThan(50);
      expect(a.map((w) => w.bbox)).toEqual(b.map((w) => w.bbox));
      a.forEach((w, i) => expect(Math.abs(w.confidence - b[i]!.confidence)).toBeLessThan(1e-3));
    } finally {
      await packaged.close();
    }
  });

  it('refuses calls after close', async () => {
    const closed = await createPaddleEngine();
    await closed.close();
    await expect(closed.recognize(page, { language: 'en' })).rejects.toMatchObject({ code: 'closed' });
  });
});

import { renderText } from '../../test/render-text';
import { UnknownLanguageError } from '../languages/language.errors';
import { TesseractError } from './tesseract.errors';
import { TesseractEngine } from './tesseract.engine';

const words = (text: string) => text.toLowerCase().split(/\s+/).filter((w) => w.length > 0);

describe(TesseractEngine.name, () => {
  const sut = new TesseractEngine();

  it('reads English into blocks, lines and words with boxes on the page', async () => {
    const image = await renderText(['The quick brown fox jumps', 'over the lazy dog.']);
    const page = await sut.recognize(image, { language: 'en' });
    expect(words(page.text)).toEqual(['the', 'quick', 'brown', 'fox', 'jumps', 'over', 'the', 'lazy', 'dog.']);
    expect(page).toMatchObject({ engine: 'tesseract-5', language: 'en', width: image.width, height: image.height });
    expect(page.mean_confidence).toBeGreaterThan(0.8);
    const allWords = page.blocks.flatMap((b) => b.lines.flatMap((l) => l.words));
    expect(allWords).toHaveLength(9);
    for (const w of allWords) {
      const [x0, y0, x1, y1] = w.bbox;
      expect(0 <= x0 && x0 < x1 && x1 <= image.width && 0 <= y0 && y0 < y1 && y1 <= image.height).toBe(true);
      expect(w.confidence).toBeGreaterThan(0);
      expect(w.confidence).toBeLessThanOrEqual(1);
    }
    // second line below the first
    const lines = page.blocks.flatMap((b) => b.lines);
    expect(lines[1].bbox[1]).toBeGreaterThan(lines[0].bbox[1]);
    expect(page.markdown).toBe('The quick brown fox jumps over the lazy dog.');
  });

  it('keeps the accents of French and German', async () => {
    const page = await sut.recognize(await renderText(['Où est la clé du château?', 'Größe und Übermaß']), { language: 'fr+de' });
    expect(words(page.text)).toEqual(expect.arrayContaining(['où', 'clé', 'château?', 'größe', 'übermaß']));
    expect(page.language).toBe('fr+de');
  });

  it('reads Cyrillic with the Russian model', async () => {
    const page = await sut.recognize(await renderText(['Привет мир', 'Съешь же ещё этих булок']), { language: 'ru' });
    expect(words(page.text)).toEqual(['привет', 'мир', 'съешь', 'же', 'ещё', 'этих', 'булок']);
  });

  it('returns Arabic in logical (reading) order', async () => {
    const page = await sut.recognize(await renderText(['السلام عليكم ورحمة الله'], { fontSize: 48 }), { language: 'ar' });
    expect(words(page.text)).toEqual(['السلام', 'عليكم', 'ورحمة', 'الله']);
    const [first, last] = [page.blocks[0].lines[0].words[0], page.blocks[0].lines[0].words.at(-1)!];
    expect(first.bbox[0]).toBeGreaterThan(last.bbox[0]); // the first word read is the rightmost
  });

  it('returns an empty page for a blank image and for a 1×1 image', async () => {
    const blank = { data: Buffer.alloc(300 * 200 * 3, 255), width: 300, height: 200, channels: 3 as const };
    await expect(sut.recognize(blank, { language: 'en' })).resolves.toMatchObject({ text: '', blocks: [], mean_confidence: 0 });
    const dot = { data: Buffer.from([0]), width: 1, height: 1, channels: 1 as const };
    await expect(sut.recognize(dot, { language: 'de' })).resolves.toMatchObject({ text: '', width: 1, height: 1 });
  });

  it('stops a page that takes longer than its time limit with a typed timeout error', async () => {
    const image = await renderText(Array.from({ length: 30 }, (_, i) => `Line ${i} of a page that takes a while to read`), { width: 2400 });
    await expect(sut.recognize(image, { language: 'en', timeoutMs: 50 })).rejects.toMatchObject({ name: 'TesseractError', code: 'timeout' });
  });

  it('rejects unknown languages, auto and malformed images with typed errors', async () => {
    const image = await renderText(['x']);
    await expect(sut.recognize(image, { language: 'xx' })).rejects.toThrow(UnknownLanguageError);
    await expect(sut.recognize(image, { language: 'auto' })).rejects.toMatchObject({ code: 'unknown_language' });
    const short = { data: Buffer.alloc(10), width: 100, height: 100, channels: 3 as const };
    await expect(sut.recognize(short, { language: 'en' })).rejects.toMatchObject({ code: 'bad_image' });
    const huge = { data: Buffer.alloc(1), width: 40_000, height: 1, channels: 1 as const };
    await expect(sut.recognize(huge, { language: 'en' })).rejects.toThrow(/at most 32767/);
  });

  it('says clearly when the tesseract binary is missing', async () => {
    const missing = new TesseractEngine({ binary: '/nonexistent/tesseract' });
    const error = await missing.recognize(await renderText(['x']), { language: 'en' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TesseractError);
    expect(error).toMatchObject({ code: 'engine_unavailable', message: expect.stringContaining('tesseract-ocr') });
  });
});

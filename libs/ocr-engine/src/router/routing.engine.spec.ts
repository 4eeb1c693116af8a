import type { PageOcr } from '@ocr/documents';
import { renderText } from '../../test/render-text';
import type { OcrEngine, RasterImage, RecognizeOptions } from '../engine';
import { UnknownLanguageError } from '../languages/language.errors';
import { TesseractEngine } from '../tesseract/tesseract.engine';
import type { ScriptDetector } from '../tesseract/tesseract-osd';
import { RoutingEngine } from './routing.engine';

/** A stand-in for the PP-OCRv4 engine: records its calls and answers with a fixed page. */
class FakePaddle implements OcrEngine {
  name = 'pp-ocrv4';
  readonly calls: RecognizeOptions[] = [];
  constructor(private readonly text: string, private readonly confidence: number) {}
  async recognize(image: RasterImage, options: RecognizeOptions): Promise<PageOcr> {
    this.calls.push(options);
    return {
      width: image.width, height: image.height, text: this.text, markdown: this.text, blocks: [], tables: [],
      mean_confidence: this.confidence, language: options.language, engine: 'pp-ocrv4', timings_ms: {},
    };
  }
  async close(): Promise<void> {}
}

const words = (text: string) => text.toLowerCase().split(/\s+/).filter((w) => w.length > 0);

describe(RoutingEngine.name, () => {
  const tesseract = new TesseractEngine();

  it('routes auto on a Cyrillic page to the Cyrillic model and reports the language it used', async () => {
    // OSD is unsure of this short page (script confidence 1.67): the Cyrillic reading must beat
    // PP-OCRv4's reading of Latin look-alikes, whose real confidence on this page is 0.78.
    const sut = new RoutingEngine({ tesseract, paddle: new FakePaddle('pИBeT MИp, KaK ea?', 0.78) });
    const page = await sut.recognize(await renderText(['Привет мир, как дела?', 'Съешь же ещё этих мягких булок']), { language: 'auto' });
    expect(page.language).toBe('und-Cyrl');
    expect(words(page.text)).toEqual(expect.arrayContaining(['привет', 'ещё', 'булок']));
  });

  it('routes auto on an Arabic page to the Arabic model', async () => {
    const sut = new RoutingEngine({ tesseract });
    const page = await sut.recognize(await renderText(['السلام عليكم ورحمة الله وبركاته'], { fontSize: 48 }), { language: 'auto' });
    expect(page.language).toBe('und-Arab');
    expect(words(page.text)).toEqual(expect.arrayContaining(['السلام', 'عليكم']));
  });

  it('sends a confident Latin page to PP-OCRv4 under auto', async () => {
    const paddle = new FakePaddle('Hello world', 0.95);
    const sut = new RoutingEngine({ tesseract, paddle });
    const page = await sut.recognize(await renderText(['This page is written in plain English text,', 'which is what PP-OCRv4 reads best.']), { language: 'auto' });
    expect(page).toMatchObject({ engine: 'pp-ocrv4', language: 'en' });
    expect(paddle.calls).toHaveLength(1);
  });

  it('reads accented Latin with Tesseract under auto when PP-OCRv4 is unsure', async () => {
    const paddle = new FakePaddle('Ou est la cle', 0.4);
    const sut = new RoutingEngine({ tesseract, paddle });
    const page = await sut.recognize(await renderText(['Où est la clé du château?', 'Grüße aus Köln, señor.']), { language: 'auto' });
    expect(page).toMatchObject({ engine: 'tesseract-5', language: 'und-Latn' });
    expect(words(page.text)).toEqual(expect.arrayContaining(['où', 'clé', 'grüße', 'köln,']));
  });

  it('without PP-OCRv4, reads Latin pages under auto with the Latin script model', async () => {
    const sut = new RoutingEngine({ tesseract });
    const page = await sut.recognize(await renderText(['Hello world from the router']), { language: 'auto' });
    expect(page.language).toBe('und-Latn');
    expect(words(page.text)).toEqual(['hello', 'world', 'from', 'the', 'router']);
  });

  it('drops a detected script when the page does not read as that script', async () => {
    const wrongDetector: ScriptDetector = {
      detect: async () => ({ script: 'Grek', detectorScript: 'Greek', scriptConfidence: 9, rotate: 0, orientationConfidence: 9 }),
    };
    const sut = new RoutingEngine({ tesseract, detector: wrongDetector });
    const page = await sut.recognize(await renderText(['Hello world from the router']), { language: 'auto' });
    expect(page.language).toBe('und-Latn');
    expect(words(page.text)).toEqual(['hello', 'world', 'from', 'the', 'router']);
  });

  it('keeps an unsure reading in a script the detector is sure of over a more confident Latin look-alike', async () => {
    const detectorSaying = (scriptConfidence: number): ScriptDetector => ({
      detect: async () => ({ script: 'Cyrl', detectorScript: 'Cyrillic', scriptConfidence, rotate: 0, orientationConfidence: 2 }),
    });
    const unsureCyrillic = Object.assign(new FakePaddle('щественность колхозникъ-', 0.41), { name: 'tesseract-5' });
    const lookAlike = new FakePaddle('eCTBeHHOCTb ROJX03HHRD-', 0.87);
    const image = await renderText(['x']);
    const sure = new RoutingEngine({ tesseract: unsureCyrillic, paddle: lookAlike, detector: detectorSaying(30) });
    await expect(sure.recognize(image, { language: 'auto' })).resolves.toMatchObject({ text: 'щественность колхозникъ-', language: 'und-Cyrl' });
    // A detector that is not sure (OSD on receipts and handwriting) leaves it to the confidences.
    const unsure = new RoutingEngine({ tesseract: unsureCyrillic, paddle: lookAlike, detector: detectorSaying(3) });
    await expect(unsure.recognize(image, { language: 'auto' })).resolves.toMatchObject({ text: 'eCTBeHHOCTb ROJX03HHRD-', engine: 'pp-ocrv4' });
  });

  it('keeps the reading of a near-tie detection only when it is more confident than PP-OCRv4’s', async () => {
    const nearTie: ScriptDetector = { detect: async () => ({ script: 'Cyrl', detectorScript: 'Cyrillic', scriptConfidence: 1.33, rotate: 0, orientationConfidence: 2 }) };
    const cyrillicReading = (confidence: number): OcrEngine => Object.assign(new FakePaddle('ТОТАL САSН', confidence), { name: 'tesseract-5' });

    // A receipt in upper-case Latin: Tesseract's Cyrillic model reads look-alikes, PP-OCRv4 the receipt.
    const receipt = await new RoutingEngine({ tesseract: cyrillicReading(0.65), paddle: new FakePaddle('TOTAL CASH', 0.95), detector: nearTie }).recognize(await renderText(['x']), { language: 'auto' });
    expect(receipt.text).toBe('TOTAL CASH');
    // A Cyrillic page read more confidently in Cyrillic than PP-OCRv4 reads its look-alikes.
    const cyrillic = await new RoutingEngine({ tesseract: cyrillicReading(0.9), paddle: new FakePaddle('TOTAL CASH', 0.78), detector: nearTie }).recognize(await renderText(['x']), { language: 'auto' });
    expect(cyrillic.text).toBe('ТОТАL САSН');
  });

  it('reads a page as Latin/Chinese when the detector names a script with no margin at all', async () => {
    const tie: ScriptDetector = { detect: async () => ({ script: 'Jpan', detectorScript: 'Japanese', scriptConfidence: 0.05, rotate: 0, orientationConfidence: 1 }) };
    const tesseractCalls: string[] = [];
    const spy: OcrEngine = { name: 'tesseract-5', close: async () => {}, recognize: async (image, o) => (tesseractCalls.push(o.language), new FakePaddle('x', 0.3).recognize(image, o)) };
    const paddle = new FakePaddle('Ceci est mon testament', 0.7);

    const page = await new RoutingEngine({ tesseract: spy, paddle, detector: tie }).recognize(await renderText(['x']), { language: 'auto' });

    expect(page.text).toBe('Ceci est mon testament');
    expect(tesseractCalls).toEqual(['und-Latn']); // the check of an unsure PP-OCRv4 reading, never Japanese
  });

  it('routes a given language to the engine the registry names', async () => {
    const paddle = new FakePaddle('Hello', 0.9);
    const sut = new RoutingEngine({ tesseract, paddle });
    const image = await renderText(['Съешь же ещё']);
    await expect(sut.recognize(image, { language: 'en' })).resolves.toMatchObject({ engine: 'pp-ocrv4', language: 'en' });
    await expect(sut.recognize(image, { language: 'ru' })).resolves.toMatchObject({ engine: 'tesseract-5', language: 'ru' });
    expect(paddle.calls.map((c) => c.language)).toEqual(['en']);
    const withoutPaddle = new RoutingEngine({ tesseract });
    await expect(withoutPaddle.recognize(await renderText(['Hello world']), { language: 'en' })).resolves.toMatchObject({ engine: 'tesseract-5', language: 'en', text: 'Hello world' });
  });

  it('reads an unsure Tesseract page of a Latin-script language again with PP-OCRv4 and keeps the more confident reading', async () => {
    const unsureTesseract = Object.assign(new FakePaddle('He Ada int Lutte', 0.35), { name: 'tesseract-5' });
    const paddle = new FakePaddle('Madame Andree Mocquard', 0.68);
    const sut = new RoutingEngine({ tesseract: unsureTesseract, paddle });
    const image = await renderText(['x']);
    await expect(sut.recognize(image, { language: 'fr' })).resolves.toMatchObject({ engine: 'pp-ocrv4', text: 'Madame Andree Mocquard' });
    expect(paddle.calls.map((c) => c.language)).toEqual(['en']);
  });

  it('keeps a confident Tesseract reading of a Latin-script language, and never checks other scripts with PP-OCRv4', async () => {
    const paddle = new FakePaddle('Madame Andree', 0.99);
    const sureTesseract = Object.assign(new FakePaddle('Madame Andrée', 0.9), { name: 'tesseract-5' });
    await expect(new RoutingEngine({ tesseract: sureTesseract, paddle }).recognize(await renderText(['x']), { language: 'fr' })).resolves.toMatchObject({ text: 'Madame Andrée' });
    const unsureCyrillic = Object.assign(new FakePaddle('Съешь', 0.3), { name: 'tesseract-5' });
    await expect(new RoutingEngine({ tesseract: unsureCyrillic, paddle }).recognize(await renderText(['x']), { language: 'ru' })).resolves.toMatchObject({ text: 'Съешь' });
    expect(paddle.calls).toHaveLength(0);
  });

  it('reads a handwritten page of a Latin-script language with PP-OCRv4 alone, and leaves other scripts to Tesseract', async () => {
    const tesseractCalls: RecognizeOptions[] = [];
    const sureTesseract = Object.assign(new FakePaddle('He Ada int Lutte', 0.9), { name: 'tesseract-5' });
    const recordingTesseract: OcrEngine = { name: 'tesseract-5', close: async () => {}, recognize: (image, options) => (tesseractCalls.push(options), sureTesseract.recognize(image, options)) };
    const paddle = new FakePaddle('Madame Andree Mocquard', 0.68);
    const sut = new RoutingEngine({ tesseract: recordingTesseract, paddle });
    const image = await renderText(['x']);

    await expect(sut.recognize(image, { language: 'fr', handwriting: true })).resolves.toMatchObject({ engine: 'pp-ocrv4', text: 'Madame Andree Mocquard' });
    await expect(sut.recognize(image, { language: 'de+fr', handwriting: true })).resolves.toMatchObject({ engine: 'pp-ocrv4' });
    expect(tesseractCalls).toHaveLength(0);
    await expect(sut.recognize(image, { language: 'ru', handwriting: true })).resolves.toMatchObject({ text: 'He Ada int Lutte' });
    expect(tesseractCalls.map((c) => c.language)).toEqual(['ru']);
    expect(paddle.calls.map((c) => c.language)).toEqual(['en', 'en']);
  });

  it('does not check a handwritten page read by PP-OCRv4 under auto with Tesseract', async () => {
    const tesseractCalls: string[] = [];
    const latinDetector: ScriptDetector = { detect: async () => ({ script: 'Latn', detectorScript: 'Latin', scriptConfidence: 3, rotate: 0, orientationConfidence: 2 }) };
    const tesseractSpy: OcrEngine = { name: 'tesseract-5', close: async () => {}, recognize: async (image, options) => (tesseractCalls.push(options.language), new FakePaddle('noise', 0.2).recognize(image, options)) };
    const sut = new RoutingEngine({ tesseract: tesseractSpy, paddle: new FakePaddle('Madame Andree', 0.6), detector: latinDetector });

    await expect(sut.recognize(await renderText(['x']), { language: 'auto', handwriting: true })).resolves.toMatchObject({ engine: 'pp-ocrv4', text: 'Madame Andree' });
    expect(tesseractCalls).toEqual([]);
    await sut.recognize(await renderText(['x']), { language: 'auto' });
    expect(tesseractCalls).toEqual(['und-Latn']);
  });

  it('rejects an unknown language with a typed error', async () => {
    const sut = new RoutingEngine({ tesseract });
    await expect(sut.recognize(await renderText(['x']), { language: 'tlh' })).rejects.toThrow(UnknownLanguageError);
  });

  it('stops an auto page that runs past its time limit with a typed timeout error', async () => {
    const sut = new RoutingEngine({ tesseract });
    const image = await renderText(Array.from({ length: 30 }, (_, i) => `Line ${i} of a page that takes a while to read`), { width: 2400 });
    await expect(sut.recognize(image, { language: 'auto', timeoutMs: 50 })).rejects.toMatchObject({ code: 'timeout' });
  });
});

import { meanInBox, textPdf } from '../test/document.fixtures';
import { rasterizePage } from './page.rasterize';
import { extractTextLayer, textStats } from './text-layer.extract';
import { textLayerToPage } from './text-layer.convert';
import { judgeTextLayer } from './text-layer.rule';

// Helvetica widths of T, O, T, A, L (1/1000 em): the word's width in points at size 20.
const TOTAL_WIDTH_PT = ((611 + 778 + 611 + 667 + 556) / 1000) * 20;

describe(extractTextLayer.name, () => {
  it('places a word drawn at a known position at the right pixel box', async () => {
    // "TOTAL" at x = 100 pt, baseline y = 500 pt (from the bottom) on a letter page, at 300 dpi.
    const pdf = await textPdf([[{ text: 'TOTAL', x: 100, y: 500, size: 20 }]]);
    const scale = 300 / 72;
    const sut = await extractTextLayer(pdf, 0, scale);
    expect([sut.width, sut.height]).toEqual([2550, 3300]);
    const [word] = sut.lines[0]!.words;
    expect(word!.text).toBe('TOTAL');
    const baseline = (792 - 500) * scale;
    expect(word!.bbox[0]).toBeCloseTo(100 * scale, -1);
    expect(word!.bbox[2]).toBeCloseTo((100 + TOTAL_WIDTH_PT) * scale, -1);
    expect(word!.bbox[1]).toBeLessThan(baseline - 0.6 * 20 * scale);
    expect(word!.bbox[3]).toBeGreaterThan(baseline);
    expect(word!.bbox[3]).toBeLessThan(baseline + 0.3 * 20 * scale);
  });

  it('boxes the words of one text item apart, and they match the rendered ink', async () => {
    const pdf = await textPdf([[{ text: 'Invoice total due now', x: 72, y: 600, size: 24 }]]);
    const page = await rasterizePage(pdf, 0);
    const words = page.textLayer!.lines[0]!.words;
    expect(words.map((w) => w.text)).toEqual(['Invoice', 'total', 'due', 'now']);
    expect(words[0]!.bbox[2]).toBeLessThan(words[1]!.bbox[0]);
    expect(words[1]!.bbox[2]).toBeLessThan(words[2]!.bbox[0]);
    for (const word of words) {
      // Ink inside the box, paper just above it.
      expect(meanInBox(page.image, word.bbox)).toBeLessThan(215);
      const above: [number, number, number, number] = [word.bbox[0], word.bbox[1] - 60, word.bbox[2], word.bbox[1] - 10];
      expect(meanInBox(page.image, above)).toBeGreaterThan(250);
    }
  });

  it('puts lines in reading order: rows top to bottom, a far column after its row', async () => {
    const pdf = await textPdf([
      [
        { text: 'Second row on the page', x: 72, y: 600, size: 12 },
        { text: 'Far column', x: 400, y: 700, size: 12 },
        { text: 'First row', x: 72, y: 700, size: 12 },
        { text: 'continued', x: 135, y: 700, size: 12 },
      ],
    ]);
    const sut = await extractTextLayer(pdf, 0, 2);
    expect(sut.lines.map((l) => l.text)).toEqual(['First row continued', 'Far column', 'Second row on the page']);
    expect(sut.text).toBe('First row continued\nFar column\nSecond row on the page');
  });

  it('joins pieces of one word drawn as separate items', async () => {
    const helveticaHel = ((722 + 556 + 222) / 1000) * 20;
    const pdf = await textPdf([
      [
        { text: 'Hel', x: 100, y: 500, size: 20 },
        { text: 'lo world', x: 100 + helveticaHel, y: 500, size: 20 },
      ],
    ]);
    const sut = await extractTextLayer(pdf, 0, 1);
    expect(sut.lines[0]!.words.map((w) => w.text)).toEqual(['Hello', 'world']);
  });
});

describe(textLayerToPage.name, () => {
  it('gives the worker a page result: blocks, lines, words with boxes at confidence 1', async () => {
    const pdf = await textPdf([
      [
        { text: 'Quarterly Report', x: 72, y: 720, size: 28 },
        { text: 'Revenue grew in every region this quarter.', x: 72, y: 660, size: 12 },
        { text: 'Costs stayed flat compared with last year.', x: 72, y: 645, size: 12 },
        { text: 'A separate paragraph further down the page.', x: 72, y: 500, size: 12 },
      ],
    ]);
    const layer = await extractTextLayer(pdf, 0, 300 / 72);
    const sut = textLayerToPage(layer, { language: 'en' });
    expect(sut).toMatchObject({ width: 2550, height: 3300, mean_confidence: 1, language: 'en', engine: 'pdf-text-layer', tables: [] });
    expect(sut.blocks.map((b) => b.kind)).toEqual(['heading', 'paragraph', 'paragraph']);
    expect(sut.blocks[1]!.lines).toHaveLength(2);
    expect(sut.text).toBe(
      'Quarterly Report\n\nRevenue grew in every region this quarter.\nCosts stayed flat compared with last year.\n\nA separate paragraph further down the page.',
    );
    expect(sut.markdown.startsWith('# Quarterly Report\n\n')).toBe(true);
    const word = sut.blocks[1]!.lines[0]!.words[0]!;
    expect(word).toMatchObject({ text: 'Revenue', confidence: 1 });
    expect(word.bbox[0]).toBeCloseTo(300, -1);
  });

  it('gives an empty page no blocks and confidence 0', () => {
    const sut = textLayerToPage({ width: 10, height: 10, scale: 1, lines: [], text: '', chars: 0, printableRatio: 0 });
    expect(sut).toMatchObject({ blocks: [], text: '', markdown: '', mean_confidence: 0 });
  });
});

describe(judgeTextLayer.name, () => {
  const layer = (text: string) => ({ width: 1, height: 1, scale: 1, lines: [], text, ...textStats(text) });
  const visible = { images: [], visibleGlyphs: 100, invisibleGlyphs: 0 };

  it('uses enough visible printable text', () => {
    expect(judgeTextLayer(layer('Plenty of ordinary printable text here.'), visible)).toEqual({ use: true });
  });

  it('refuses junk from a font without a Unicode map', () => {
    expect(judgeTextLayer(layer('\ufffd\ufffd\ufffd\ue001\ue002\ue003\ue004\ue005\ue006\ue007\ue008\ue009\ue00a\ue00b\ue00c\ue00d x'), visible).use).toBe(false);
  });

  it('wants more text on a page covered by a scan', () => {
    const scan = { ...visible, images: [{ pixelWidth: 1, pixelHeight: 1, box: [0, 0, 1, 1] as [number, number, number, number], coverage: 1, ppi: 96 }] };
    expect(judgeTextLayer(layer('Bates stamp ABC-000123 confidential'), scan).use).toBe(false);
  });
});

import { TesseractError } from './tesseract.errors';
import { paragraphMarkdown, parseTesseractTsv } from './tsv.parser';

const header = 'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext';
const row = (level: number, b: number, p: number, l: number, w: number, box: number[], conf: number, text = '') =>
  [level, 1, b, p, l, w, ...box, conf, text].join('\t');
const context = { width: 1000, height: 800, language: 'de', engine: 'tesseract-5', timings_ms: {} };

describe(parseTesseractTsv.name, () => {
  const tsv = [
    header,
    row(1, 0, 0, 0, 0, [0, 0, 1000, 800], -1),
    row(2, 1, 0, 0, 0, [10, 10, 500, 100], -1),
    row(3, 1, 1, 0, 0, [10, 10, 500, 100], -1),
    row(4, 1, 1, 1, 0, [10, 10, 400, 40], -1),
    row(5, 1, 1, 1, 1, [10, 10, 100, 40], 96, 'Grüße'),
    row(5, 1, 1, 1, 2, [120, 10, 80, 40], 50, 'aus'),
    row(4, 1, 1, 2, 0, [10, 60, 300, 40], -1),
    row(5, 1, 1, 2, 1, [10, 60, 300, 40], 90, 'Köln'),
    row(5, 1, 1, 2, 2, [320, 60, 10, 40], 95, ' '),
    row(2, 2, 0, 0, 0, [10, 300, 500, 40], -1),
    row(3, 2, 1, 0, 0, [10, 300, 500, 40], -1),
    row(4, 2, 1, 1, 0, [10, 300, 2000, 40], -1),
    row(5, 2, 1, 1, 1, [10, 300, 2000, 40], 80, '#1'),
    '',
  ].join('\n');

  it('builds paragraphs of lines of words with page-pixel boxes and confidences in [0, 1]', () => {
    const sut = parseTesseractTsv(tsv, context);
    expect(sut.blocks).toHaveLength(2);
    expect(sut.blocks[0].lines.map((l) => l.text)).toEqual(['Grüße aus', 'Köln']);
    expect(sut.blocks[0].lines[0].words).toEqual([
      { text: 'Grüße', bbox: [10, 10, 110, 50], confidence: 0.96 },
      { text: 'aus', bbox: [120, 10, 200, 50], confidence: 0.5 },
    ]);
    expect(sut.blocks[0].lines[0].bbox).toEqual([10, 10, 410, 50]);
    expect(sut.blocks[0].bbox).toEqual([10, 10, 410, 100]);
    expect(sut.blocks[1].lines[0].bbox).toEqual([10, 300, 1000, 340]); // clamped to the page
    expect(sut.text).toBe('Grüße aus\nKöln\n\n#1');
    expect(sut.markdown).toBe('Grüße aus Köln\n\n#1'); // '#1' is no heading: nothing to escape
  });

  it('weights the confidence by characters', () => {
    const sut = parseTesseractTsv(tsv, context);
    // line 1: (5 × 0.96 + 3 × 0.5) / 8
    expect(sut.blocks[0].lines[0].confidence).toBeCloseTo(0.7875, 4);
    // page: 5 × .96 + 3 × .5 + 4 × .9 + 2 × .8 over 14 characters
    expect(sut.mean_confidence).toBeCloseTo((4.8 + 1.5 + 3.6 + 1.6) / 14, 4);
    expect(sut).toMatchObject({ language: 'de', engine: 'tesseract-5', width: 1000, height: 800, tables: [] });
  });

  it('returns an empty page with confidence 0 when Tesseract found no words', () => {
    const sut = parseTesseractTsv(`${header}\n${row(1, 0, 0, 0, 0, [0, 0, 10, 10], -1)}\n`, context);
    expect(sut).toMatchObject({ text: '', markdown: '', blocks: [], mean_confidence: 0 });
  });

  it('throws a typed error for output that is not Tesseract TSV', () => {
    expect(() => parseTesseractTsv('Error opening data file', context)).toThrow(TesseractError);
  });
});

describe(paragraphMarkdown.name, () => {
  it('joins lines into one paragraph, re-joins hyphenated words and escapes markdown syntax', () => {
    expect(paragraphMarkdown(['Die Bevölke-', 'rung wächst', 'um *3* %'])).toBe('Die Bevölkerung wächst um \\*3\\* %');
    expect(paragraphMarkdown(['- not a list'])).toBe('\\- not a list');
    expect(paragraphMarkdown(['1. not a list'])).toBe('1\\. not a list');
  });
});

describe('parseTesseractTsv keepLine', () => {
  it('leaves out the lines it rejects, with their words, from text and blocks, but not from the page confidence', () => {
    const tsv = [
      header,
      row(4, 1, 1, 1, 0, [10, 10, 400, 40], -1),
      row(5, 1, 1, 1, 1, [10, 10, 100, 40], 96, 'Bonjour'),
      row(4, 1, 1, 2, 0, [10, 60, 300, 40], -1),
      row(5, 1, 1, 2, 1, [10, 60, 300, 40], 12, '|/'),
      row(4, 2, 1, 1, 0, [10, 300, 300, 40], -1),
      row(5, 2, 1, 1, 1, [10, 300, 300, 40], 10, '—'),
    ].join('\n');
    const sut = parseTesseractTsv(tsv, { ...context, keepLine: (line) => line.confidence >= 0.3 });
    expect(sut.text).toBe('Bonjour');
    expect(sut.blocks).toHaveLength(1);
    expect(sut.mean_confidence).toBeCloseTo((7 * 0.96 + 2 * 0.12 + 1 * 0.1) / 10, 4);
  });
});

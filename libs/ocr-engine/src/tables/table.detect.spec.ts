import type { BBox, Line, Word } from '@ocr/documents';
import sharp from 'sharp';
import type { RasterImage } from '../engine';
import { OcrEngineError } from '../errors';
import { detectTables } from './table.detect';
import { markdownWithTables } from './table.markdown';
import { tableToMarkdown } from './table.render';
import { findRules } from './table.rules';

const CHAR_W = 11;
const H = 24;

/** A word box as OCR gives it: the text's extent padded a little, as detection does. */
const word = (text: string, x: number, y: number): Word => ({ text, bbox: [x - 3, y - 3, x + text.length * CHAR_W + 3, y + H - 3], confidence: 0.99 });

/** A line of words starting at x, words laid out with one space between them. */
function line(text: string, x: number, y: number): Line {
  const words: Word[] = [];
  let at = x;
  for (const w of text.split(' ')) {
    words.push(word(w, at, y));
    at += (w.length + 1) * CHAR_W;
  }
  const bbox: BBox = [words[0]!.bbox[0], words[0]!.bbox[1], words[words.length - 1]!.bbox[2], words[0]!.bbox[3]];
  return { text, bbox, confidence: 0.99, words };
}

/** Text placed on a page: each piece as one line at (x, y) (top of the text). */
type Piece = [text: string, x: number, y: number];

async function page(width: number, height: number, pieces: readonly Piece[], shapes = ''): Promise<RasterImage> {
  const text = pieces
    .map(([t, x, y]) => `<text x="${x}" y="${y + 17}" font-family="DejaVu Sans Mono" font-size="18" textLength="${t.length * CHAR_W}">${t.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</text>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="white"/>${shapes}${text}</svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels as 3 };
}

const hline = (x0: number, x1: number, y: number, w = 2) => `<rect x="${x0}" y="${y}" width="${x1 - x0}" height="${w}" fill="black"/>`;
const vline = (x: number, y0: number, y1: number, w = 2) => `<rect x="${x}" y="${y0}" width="${w}" height="${y1 - y0}" fill="black"/>`;
const texts = (t: { cells: { row: number; col: number; text: string }[] }) => t.cells.map((c) => `${c.row},${c.col}:${c.text}`);

describe(detectTables.name, () => {
  it('reads a ruled 3×3 grid: rows and columns from the rules, each word in its cell', async () => {
    const xs = [100, 300, 500, 700], ys = [100, 150, 200, 250];
    const shapes = [...ys.map((y) => hline(100, 702, y)), ...xs.map((x) => vline(x, 100, 252))].join('');
    const pieces: Piece[] = [
      ['Item', 115, 113], ['Qty', 315, 113], ['Price', 515, 113],
      ['Apples', 115, 163], ['3', 315, 163], ['1.20', 515, 163],
      ['Dried pears', 115, 213], ['12', 315, 213], ['4.50', 515, 213],
    ];
    const image = await page(800, 400, pieces, shapes);
    const sut = detectTables(image, pieces.map(([t, x, y]) => line(t, x, y)));
    expect(sut).toHaveLength(1);
    expect(sut[0]!.rows).toBe(3);
    expect(sut[0]!.cols).toBe(3);
    expect(texts(sut[0]!)).toEqual(['0,0:Item', '0,1:Qty', '0,2:Price', '1,0:Apples', '1,1:3', '1,2:1.20', '2,0:Dried pears', '2,1:12', '2,2:4.50']);
    const [x0, y0, x1, y1] = sut[0]!.bbox;
    expect(Math.abs(x0 - 100)).toBeLessThanOrEqual(4);
    expect(Math.abs(y0 - 100)).toBeLessThanOrEqual(4);
    expect(Math.abs(x1 - 702)).toBeLessThanOrEqual(4);
    expect(Math.abs(y1 - 252)).toBeLessThanOrEqual(4);
    expect(tableToMarkdown(sut[0]!)).toBe('| Item | Qty | Price |\n| --- | --- | --- |\n| Apples | 3 | 1.20 |\n| Dried pears | 12 | 4.50 |');
  });

  it('merges cells where a rule is missing into a spanning cell, rendered as HTML', async () => {
    // The header row has no rule between the 2nd and 3rd columns: "Results" spans both.
    const shapes = [
      ...[100, 150, 200, 250].map((y) => hline(100, 702, y)),
      vline(100, 100, 252), vline(300, 100, 252), vline(700, 100, 252), vline(500, 150, 252),
    ].join('');
    const pieces: Piece[] = [
      ['Group', 115, 113], ['Results', 360, 113],
      ['A', 115, 163], ['10', 315, 163], ['20', 515, 163],
      ['B', 115, 213], ['30', 315, 213], ['40', 515, 213],
    ];
    const image = await page(800, 400, pieces, shapes);
    const [sut] = detectTables(image, pieces.map(([t, x, y]) => line(t, x, y)));
    expect(sut).toBeDefined();
    expect(sut!.rows).toBe(3);
    expect(sut!.cols).toBe(3);
    const head = sut!.cells.find((c) => c.text === 'Results')!;
    expect(head).toMatchObject({ row: 0, col: 1, row_span: 1, col_span: 2 });
    expect(tableToMarkdown(sut!)).toContain('<th colspan="2">Results</th>');
  });

  it('finds a borderless table from aligned columns, with a wrapped cell joined into its row', async () => {
    const pieces: Piece[] = [
      ['Country', 60, 40], ['Population', 360, 40], ['Area', 560, 40],
      ['Belgium', 60, 80], ['11.6', 360, 80], ['30689', 560, 80],
      ['Kingdom of the', 60, 120], ['67.3', 360, 120], ['243610', 560, 120],
      ['Netherlands', 60, 146],
      ['Luxembourg', 60, 186], ['0.6', 360, 186], ['2586', 560, 186],
      ['Malta', 60, 226], ['0.5', 360, 226], ['316', 560, 226],
    ];
    const image = await page(760, 300, pieces);
    const sut = detectTables(image, pieces.map(([t, x, y]) => line(t, x, y)));
    expect(sut).toHaveLength(1);
    expect(sut[0]!.rows).toBe(5);
    expect(sut[0]!.cols).toBe(3);
    expect(sut[0]!.cells.find((c) => c.row === 2 && c.col === 0)!.text).toBe('Kingdom of the Netherlands');
    expect(sut[0]!.cells.find((c) => c.row === 4 && c.col === 2)!.text).toBe('316');
    expect(sut[0]!.header_rows).toBe(1);
  });

  it('finds a borderless table inside a page of prose, leaving the prose out', async () => {
    const prose = [
      'The committee met on Tuesday to review the figures for the past quarter and the',
      'plans for the next one. The results are shown below, region by region, in units.',
    ];
    const pieces: Piece[] = [
      [prose[0]!, 40, 40], [prose[1]!, 40, 70],
      ['Region', 60, 130], ['Q1', 300, 130], ['Q2', 420, 130],
      ['North', 60, 160], ['120', 300, 160], ['135', 420, 160],
      ['South', 60, 190], ['98', 300, 190], ['101', 420, 190],
      ['East', 60, 220], ['143', 300, 220], ['150', 420, 220],
      ['All in all the quarter went well and the next one should go better still.', 40, 290],
    ];
    const image = await page(980, 340, pieces);
    const lines = pieces.map(([t, x, y]) => line(t, x, y));
    const sut = detectTables(image, lines);
    expect(sut).toHaveLength(1);
    expect(sut[0]!.rows).toBe(4);
    expect(sut[0]!.cols).toBe(3);
    expect(sut[0]!.cells.map((c) => c.text).join(' ')).not.toMatch(/committee|quarter went/);
    const md = markdownWithTables(lines, (l) => l.bbox, sut, (ls) => ls.map((l) => l.text).join('\n'));
    expect(md.split('\n\n')).toEqual([
      `${prose[0]}\n${prose[1]}`,
      '| Region | Q1 | Q2 |\n| --- | --- | --- |\n| North | 120 | 135 |\n| South | 98 | 101 |\n| East | 143 | 150 |',
      'All in all the quarter went well and the next one should go better still.',
    ]);
  });

  it('does not turn a paragraph into a table', async () => {
    const text = [
      'It was the best of times, it was the worst of times, it was the age of wisdom,',
      'it was the age of foolishness, it was the epoch of belief, it was the epoch of',
      'incredulity, it was the season of Light, it was the season of Darkness, it was',
      'the spring of hope, it was the winter of despair, we had everything before us,',
      'we had nothing before us, we were all going direct to Heaven, we were all going',
      'direct the other way.',
    ];
    const pieces: Piece[] = text.map((t, i) => [t, 40, 40 + 30 * i]);
    const image = await page(960, 260, pieces);
    expect(detectTables(image, pieces.map(([t, x, y]) => line(t, x, y)))).toEqual([]);
  });

  it('does not turn two columns of prose side by side into a table', async () => {
    const left = ['Rain fell on the town all night and', 'by morning the river had risen over', 'the old stone bridge near the mill,', 'so the baker could not cross it.'];
    const right = ['The council met at noon to decide', 'whether the school should close for', 'the day, and most of them thought', 'that it should stay open anyway.'];
    const pieces: Piece[] = [...left.map((t, i): Piece => [t, 40, 40 + 30 * i]), ...right.map((t, i): Piece => [t, 500, 40 + 30 * i])];
    const image = await page(960, 200, pieces);
    expect(detectTables(image, pieces.map(([t, x, y]) => line(t, x, y)))).toEqual([]);
  });

  it('rejects an image whose buffer does not match its size', () => {
    const bad: RasterImage = { data: Buffer.alloc(10), width: 100, height: 100, channels: 3 };
    expect(() => detectTables(bad, [])).toThrow(OcrEngineError);
  });

  it('returns no table for a page without text', async () => {
    expect(detectTables(await page(200, 100, []), [])).toEqual([]);
  });
});

describe(findRules.name, () => {
  it('finds the long thin lines of a grid and not the text', async () => {
    const shapes = [hline(50, 550, 60), hline(50, 550, 200), vline(50, 60, 202), vline(550, 60, 202)].join('');
    const image = await page(600, 260, [['Sample text with some long words', 80, 110]], shapes);
    const sut = findRules(image, { darkThreshold: 160, maxWorkSide: 1600, minHorizontal: 60, minVertical: 30, maxThickness: 8 });
    expect(sut.horizontal.map((h) => [h.x0, h.y0, h.x1]).sort((a, b) => a[1]! - b[1]!)).toEqual([[50, 60, 551], [50, 200, 551]]);
    expect(sut.vertical.map((v) => [v.x0, v.y0, v.y1]).sort((a, b) => a[0]! - b[0]!)).toEqual([[50, 60, 201], [550, 60, 201]]);
  });

  it('keeps one-pixel rules when the page is shrunk', async () => {
    const image = await page(3000, 400, [], hline(100, 2900, 200, 1) + vline(1500, 50, 350, 1));
    const sut = findRules(image, { darkThreshold: 160, maxWorkSide: 1000, minHorizontal: 300, minVertical: 100, maxThickness: 8 });
    expect(sut.horizontal).toHaveLength(1);
    expect(sut.vertical).toHaveLength(1);
    expect(Math.abs(sut.horizontal[0]!.y0 - 200)).toBeLessThanOrEqual(3);
    expect(Math.abs(sut.vertical[0]!.x0 - 1500)).toBeLessThanOrEqual(3);
  });
});

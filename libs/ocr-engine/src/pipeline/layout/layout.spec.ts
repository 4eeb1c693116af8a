import type { Table } from '@ocr/documents';
import { bounds, type Quad } from '../../geometry/geometry';
import { assemble, type AssemblyLine } from '../assemble/assemble';
import { composePage } from './compose';
import { splitMargins } from './margins';

function line(text: string, x0: number, y0: number, x1: number, y1: number): AssemblyLine {
  const quad: Quad = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
  return { quad, text, confidence: 0.9, words: [{ text, confidence: 0.9, quad }] };
}

const PAGE = { width: 1000, height: 1400 };
const boxOf = (l: AssemblyLine) => bounds(l.quad) as [number, number, number, number];
const read = (lines: AssemblyLine[], tables: Table[] = [], figures: [number, number, number, number][] = []) =>
  composePage({ margins: splitMargins(lines, boxOf, PAGE), tables, figures, boxOf, assemble: (ls) => assemble(ls) });

/** Two columns of body text, 8 lines each, 24 px high, from y = 160. */
const columns = (): AssemblyLine[] => [
  ...Array.from({ length: 8 }, (_, i) => line(`left column line ${i + 1} of the body`, 80, 160 + i * 34, 470, 184 + i * 34)),
  ...Array.from({ length: 8 }, (_, i) => line(`right column line ${i + 1} of the body`, 530, 160 + i * 34, 920, 184 + i * 34)),
];

describe(splitMargins.name, () => {
  const header = line('Journal of Synthetic Layouts', 80, 40, 500, 62);
  const footnote1 = line('1 A footnote in small type that explains', 80, 1180, 700, 1196);
  const footnote2 = line('the first claim of the page.', 80, 1200, 420, 1216);
  const footer = line('12', 480, 1340, 520, 1362);
  const page = [header, ...columns(), footnote1, footnote2, footer];

  it('tells the page header, footnotes and footer apart from the body', () => {
    const sut = splitMargins(page, boxOf, PAGE);
    expect(sut.header).toEqual([header]);
    expect(sut.footer).toEqual([footer]);
    expect(sut.footnotes).toEqual([footnote1, footnote2]);
    expect(sut.body).toHaveLength(16);
  });

  it('takes a page number alone at the bottom as the footer', () => {
    const number = line('- 3 -', 470, 1330, 530, 1354);
    const sut = splitMargins([...columns(), number], boxOf, PAGE);
    expect(sut.footer).toEqual([number]);
    expect(sut.header).toEqual([]);
  });

  it('keeps text that continues the body near the margin in the body', () => {
    // A table crop: its first row sits at the very top, one row spacing above the next one.
    const rows = Array.from({ length: 10 }, (_, i) => line(`cell ${i} value ${i * 3}`, 20, 10 + i * 40, 600, 34 + i * 40));
    const sut = splitMargins(rows, boxOf, { width: 640, height: 420 });
    expect(sut).toEqual({ header: [], body: rows, footnotes: [], footer: [] });
  });

  it('takes no footnotes without a marker, nor small text above the body', () => {
    const small = line('small print without a marker', 80, 1180, 600, 1196);
    expect(splitMargins([...columns(), small], boxOf, PAGE).footnotes).toEqual([]);
    const caption = line('1 a small caption above the text', 80, 120, 600, 136);
    expect(splitMargins([caption, ...columns()], boxOf, PAGE).footnotes).toEqual([]);
  });
});

describe(composePage.name, () => {
  it('reads header first, the columns in order, then footnotes and the footer', () => {
    const page = [
      line('Journal of Synthetic Layouts', 80, 40, 500, 62),
      ...columns(),
      line('1 A footnote in small type.', 80, 1180, 600, 1196),
      line('2 Another one.', 80, 1200, 400, 1216),
      line('Page 12', 460, 1340, 540, 1362),
    ];
    const sut = read(page);
    expect(sut.blocks.map((b) => b.kind)).toEqual(['header', 'paragraph', 'paragraph', 'footnote', 'footnote', 'footer']);
    expect(sut.blocks[1]!.text.split('\n')[0]).toBe('left column line 1 of the body');
    expect(sut.blocks[2]!.text.split('\n')[0]).toBe('right column line 1 of the body');
    const md = sut.markdown.split('\n\n');
    expect(md[0]).toBe('<!-- header: Journal of Synthetic Layouts -->');
    expect(md.slice(-3)).toEqual(['[^1]: A footnote in small type.', '[^2]: Another one.', '<!-- footer: Page 12 -->']);
    expect(sut.text.startsWith('Journal of Synthetic Layouts\n\nleft column line 1')).toBe(true);
    expect(sut.text.endsWith('2 Another one.\n\nPage 12')).toBe(true);
  });

  it('places a figure and a table in the flow of their column, the table lines as one table block', () => {
    const page = [
      line('Left column text above the figure here', 80, 160, 470, 184),
      line('Text after the figure in the left column', 80, 620, 470, 644),
      line('and a second line of it right after', 80, 652, 470, 676),
      line('Right column text beside the figure', 530, 160, 920, 184),
      ...Array.from({ length: 8 }, (_, i) => line(`more right column text ${i} going on`, 530, 192 + i * 32, 920, 216 + i * 32)),
      line('Name', 530, 700, 600, 724),
      line('Qty', 800, 700, 850, 724),
      line('Apple', 530, 740, 610, 764),
      line('3', 800, 740, 820, 764),
    ];
    const table: Table = {
      bbox: [520, 690, 900, 770],
      rows: 2,
      cols: 2,
      cells: [
        { row: 0, col: 0, row_span: 1, col_span: 1, bbox: [520, 690, 700, 730], text: 'Name' },
        { row: 0, col: 1, row_span: 1, col_span: 1, bbox: [700, 690, 900, 730], text: 'Qty' },
        { row: 1, col: 0, row_span: 1, col_span: 1, bbox: [520, 730, 700, 770], text: 'Apple' },
        { row: 1, col: 1, row_span: 1, col_span: 1, bbox: [700, 730, 900, 770], text: '3' },
      ],
    };
    const sut = read(page, [table], [[80, 200, 470, 580]]);
    expect(sut.blocks.map((b) => `${b.kind}:${b.text.split('\n')[0]}`)).toEqual([
      'paragraph:Left column text above the figure here',
      'figure:',
      'paragraph:Text after the figure in the left column',
      'paragraph:Right column text beside the figure',
      'table:Name Qty',
    ]);
    expect(sut.blocks[4]!.text).toBe('Name Qty\nApple 3');
    expect(sut.blocks[4]!.lines.map((l) => l.text)).toEqual(['Name Qty', 'Apple 3']);
    expect(sut.markdown).toContain('![figure 1](#figure-1)\n\nText after the figure');
    expect(sut.markdown).toContain('| Name | Qty |');
    expect(sut.markdown).not.toContain('Apple 3');
  });

  it('is the plain assembly on a page without margins, tables or figures', () => {
    const page = columns();
    const sut = read(page);
    const plain = assemble(page);
    expect(sut.text).toBe(plain.text);
    expect(sut.markdown).toBe(plain.markdown);
    expect(sut.blocks).toEqual(plain.blocks);
  });
});

import type { BBox, Block, JobDocument, JobPage, Line, Table } from '@ocr/documents';

/** A line whose words are laid out left to right from x0, 10 px per character plus a 10 px gap. */
export function line(text: string, x0: number, y0: number, confidence = 0.9): Line {
  let x = x0;
  const words = text
    .split(' ')
    .filter((w) => w !== '')
    .map((w) => {
      const bbox: BBox = [x, y0, x + 10 * w.length, y0 + 20];
      x += 10 * w.length + 10;
      return { text: w, bbox, confidence };
    });
  return { text, bbox: [x0, y0, Math.max(x0, x - 10), y0 + 20], confidence, words };
}

export function block(kind: Block['kind'], lines: Line[]): Block {
  const bbox: BBox = [
    Math.min(...lines.map((l) => l.bbox[0])),
    Math.min(...lines.map((l) => l.bbox[1])),
    Math.max(...lines.map((l) => l.bbox[2])),
    Math.max(...lines.map((l) => l.bbox[3])),
  ];
  return { kind, text: lines.map((l) => l.text).join('\n'), bbox, confidence: 0.9, lines };
}

function page(index: number, blocks: Block[], tables: Table[], markdown: string): JobPage {
  return {
    index,
    width: 1000,
    height: 1400,
    text: blocks.map((b) => b.text).join('\n'),
    markdown,
    blocks,
    tables,
    mean_confidence: 0.9,
    language: 'en',
    engine: 'pp-ocrv4',
    timings_ms: {},
    source: 'ocr',
  };
}

/** Page 1's table: 3 × 3, a header cell spanning two columns, text with a comma and a quote. */
export const priceTable: Table = {
  bbox: [100, 400, 700, 520],
  rows: 3,
  cols: 3,
  cells: [
    { row: 0, col: 0, row_span: 1, col_span: 2, bbox: [100, 400, 500, 440], text: 'Item and size' },
    { row: 0, col: 2, row_span: 1, col_span: 1, bbox: [500, 400, 700, 440], text: 'Price' },
    { row: 1, col: 0, row_span: 1, col_span: 1, bbox: [100, 440, 300, 480], text: 'Coffee, large' },
    { row: 1, col: 1, row_span: 1, col_span: 1, bbox: [300, 440, 500, 480], text: '16 "oz"' },
    { row: 1, col: 2, row_span: 1, col_span: 1, bbox: [500, 440, 700, 480], text: '4.50' },
    { row: 2, col: 0, row_span: 1, col_span: 1, bbox: [100, 480, 300, 520], text: 'Tea' },
    { row: 2, col: 1, row_span: 1, col_span: 1, bbox: [300, 480, 500, 520], text: 'small' },
    { row: 2, col: 2, row_span: 1, col_span: 1, bbox: [500, 480, 700, 520], text: '2.00' },
  ],
};

/** Page 2's table: 2 × 2, a cell spanning both rows and a cell with a line break. */
export const notesTable: Table = {
  bbox: [100, 600, 500, 680],
  rows: 2,
  cols: 2,
  cells: [
    { row: 0, col: 0, row_span: 2, col_span: 1, bbox: [100, 600, 300, 680], text: 'Notes' },
    { row: 0, col: 1, row_span: 1, col_span: 1, bbox: [300, 600, 500, 640], text: 'first\nsecond' },
    { row: 1, col: 1, row_span: 1, col_span: 1, bbox: [300, 640, 500, 680], text: 'third' },
  ],
};

/**
 * A finished two-page job: page 1 has a header, a heading, a paragraph with XML-special
 * characters, a list and a table; page 2 has a paragraph, a figure without text and a table.
 */
export function sampleJob(): JobDocument {
  const tableBlock: Block = { kind: 'table', text: 'Item and size Price', bbox: priceTable.bbox, confidence: 0.9, lines: [] };
  const p1 = page(
    0,
    [
      block('header', [line('ACME CORP RECEIPTS', 100, 40)]),
      block('heading', [line('Invoice 42', 100, 100)]),
      block('paragraph', [line('Tom & Jerry <cats> "said" hi', 100, 160), line('Total: 215.00 USD', 100, 190)]),
      block('list', [line('• first item', 100, 260), line('• second item', 100, 290)]),
      tableBlock,
    ],
    [priceTable],
    '# Invoice 42\n\nTom & Jerry <cats> "said" hi\nTotal: 215.00 USD\n\n- first item\n- second item',
  );
  const p2 = page(
    1,
    [
      block('paragraph', [line('Second page text', 100, 100)]),
      { kind: 'figure', text: '', bbox: [100, 200, 400, 500], confidence: 0.5, lines: [] },
    ],
    [notesTable],
    'Second page text',
  );
  return {
    uuid: '9f2c1b7e-0000-4000-8000-000000000042',
    status: 'done',
    tier: 'cpu',
    language: 'auto',
    tool: null,
    page_count: 2,
    pages_done: 2,
    mean_confidence: 0.9,
    text: `${p1.text}\n\n${p2.text}`,
    markdown: `${p1.markdown}\n\n${p2.markdown}`,
    pages: [p1, p2],
    error: null,
    created_at: '2026-11-25T10:00:00.000Z',
    finished_at: '2026-11-25T10:00:02.000Z',
  };
}

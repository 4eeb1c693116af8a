import type { Block } from '@ocr/documents';
import { line, notesTable, priceTable, sampleJob } from '../testing/sample-job.fixture';
import { blockLines, coveredBy, lineWords, pageItems, tableGrid } from './page-layout';

describe(pageItems.name, () => {
  it('puts a table where its table block stands', () => {
    const [p1] = sampleJob().pages;
    const items = pageItems(p1);
    expect(items.map((i) => (i.kind === 'table' ? 'table' : i.block.kind))).toEqual(['header', 'heading', 'paragraph', 'list', 'table']);
    expect(items[4]).toEqual({ kind: 'table', table: priceTable });
  });

  it('places a table no block points at by its position, and drops text blocks inside a table', () => {
    const [, p2] = sampleJob().pages;
    const inside: Block = { kind: 'paragraph', text: 'Notes', bbox: [110, 610, 200, 630], confidence: 0.9, lines: [] };
    const below: Block = { kind: 'paragraph', text: 'after', bbox: [100, 900, 300, 920], confidence: 0.9, lines: [] };
    p2.blocks.push(inside, below);
    const items = pageItems(p2);
    expect(items.map((i) => (i.kind === 'table' ? 'table' : i.block.text))).toEqual(['Second page text', '', 'table', 'after']);
    expect(items[2]).toEqual({ kind: 'table', table: notesTable });
  });
});

describe(tableGrid.name, () => {
  it('lays cells out by row and column, spans leaving their other slots empty', () => {
    expect(tableGrid(notesTable)).toEqual([
      ['Notes', 'first\nsecond'],
      ['', 'third'],
    ]);
  });
});

describe(coveredBy.name, () => {
  it('measures the share of a box inside another', () => {
    expect(coveredBy([0, 0, 10, 10], [5, 0, 20, 10])).toBeCloseTo(0.5);
    expect(coveredBy([0, 0, 0, 10], [0, 0, 10, 10])).toBe(0);
  });
});

describe(blockLines.name, () => {
  it('makes one line of a block that has none, and one word of a line that has none', () => {
    const block: Block = { kind: 'paragraph', text: 'whole block', bbox: [1, 2, 3, 4], confidence: 0.7, lines: [] };
    const [only] = blockLines(block);
    expect(only).toMatchObject({ text: 'whole block', bbox: [1, 2, 3, 4], confidence: 0.7 });
    expect(lineWords(only)).toEqual([{ text: 'whole block', bbox: [1, 2, 3, 4], confidence: 0.7 }]);
    expect(lineWords(line('a b', 0, 0)).map((w) => w.text)).toEqual(['a', 'b']);
  });
});

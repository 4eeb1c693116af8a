import type { BBox, Block, JobPage, Line, Table } from '@ocr/documents';

/** One thing on a page, in reading order: a text block or a table. */
export type PageItem = { kind: 'block'; block: Block } | { kind: 'table'; table: Table };

function area(b: BBox): number {
  return Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
}

function intersection(a: BBox, b: BBox): number {
  return area([Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.min(a[3], b[3])]);
}

/** Share of `inner`'s area that lies inside `outer` (0 for an empty box). */
export function coveredBy(inner: BBox, outer: BBox): number {
  const a = area(inner);
  return a === 0 ? 0 : intersection(inner, outer) / a;
}

/**
 * A page's content in reading order, with each table placed once: a `table` block is replaced by
 * the table it overlaps most; text blocks that lie inside a table (its cells' text) are dropped,
 * since the table carries them; tables no block points at are placed before the first block
 * that starts below them.
 */
export function pageItems(page: JobPage): PageItem[] {
  const tables = page.tables ?? [];
  const used = new Set<number>();
  const items: PageItem[] = [];
  for (const block of page.blocks ?? []) {
    if (block.kind === 'table') {
      let best = -1;
      let bestOverlap = 0;
      tables.forEach((t, i) => {
        const overlap = used.has(i) ? 0 : intersection(block.bbox, t.bbox);
        if (overlap > bestOverlap) [best, bestOverlap] = [i, overlap];
      });
      if (best >= 0) {
        used.add(best);
        items.push({ kind: 'table', table: tables[best] });
        continue;
      }
    } else if (tables.some((t) => coveredBy(block.bbox, t.bbox) >= 0.8)) {
      continue;
    }
    items.push({ kind: 'block', block });
  }
  tables.forEach((table, i) => {
    if (used.has(i)) return;
    const at = items.findIndex((it) => (it.kind === 'block' ? it.block.bbox[1] : it.table.bbox[1]) > table.bbox[1]);
    items.splice(at < 0 ? items.length : at, 0, { kind: 'table', table });
  });
  return items;
}

/** A block's lines; a block that came without lines is one line of its own text and box. */
export function blockLines(block: Block): Line[] {
  if (block.lines && block.lines.length > 0) return block.lines;
  return [{ text: block.text, bbox: block.bbox, confidence: block.confidence, words: [] }];
}

/** A line's words; a line without words is one word of its own text and box. */
export function lineWords(line: Line): Line['words'] {
  if (line.words && line.words.length > 0) return line.words;
  return line.text.trim() === '' ? [] : [{ text: line.text, bbox: line.bbox, confidence: line.confidence }];
}

/**
 * A table as a rows × cols grid of text; a spanning cell's text stands in its top-left slot and
 * the slots it covers are empty.
 */
export function tableGrid(table: Table): string[][] {
  const grid = Array.from({ length: table.rows }, () => Array.from({ length: table.cols }, () => ''));
  for (const cell of table.cells) {
    if (cell.row < table.rows && cell.col < table.cols) grid[cell.row][cell.col] = cell.text;
  }
  return grid;
}

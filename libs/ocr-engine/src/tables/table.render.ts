import type { Table, TableCell } from '@ocr/documents';

/** A table as detected: the job document's `Table` plus how many leading rows are its header. */
export interface DetectedTable extends Table {
  /** Leading rows that form the header (1 when unknown; markdown always takes the first row). */
  header_rows?: number;
}

export interface HtmlTableOptions {
  /** Tag of header cells: `th` (default) or `td` (PubTabNet's convention, which TEDS compares). */
  readonly headerCellTag?: 'th' | 'td';
  /** Leading rows put in `<thead>`; default the table's `header_rows`, else 1 (0: no `<thead>`). */
  readonly headerRows?: number;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Cells by their top-left slot; a slot covered by a spanning cell maps to that cell. */
function layout(table: Table): { anchors: Map<string, TableCell>; covered: Set<string> } {
  const anchors = new Map<string, TableCell>();
  const covered = new Set<string>();
  for (const c of table.cells) {
    anchors.set(`${c.row},${c.col}`, c);
    for (let r = c.row; r < c.row + c.row_span; r++) {
      for (let k = c.col; k < c.col + c.col_span; k++) if (r !== c.row || k !== c.col) covered.add(`${r},${k}`);
    }
  }
  return { anchors, covered };
}

/** Whether any cell spans more than one row or column. */
export function hasSpans(table: Table): boolean {
  return table.cells.some((c) => c.row_span > 1 || c.col_span > 1);
}

/**
 * HTML `<table>`: header rows in `<thead>`, the rest in `<tbody>`, `rowspan`/`colspan` where cells
 * span, empty `<td>` for grid slots no cell covers.
 */
export function tableToHtml(table: DetectedTable, options: HtmlTableOptions = {}): string {
  const { anchors, covered } = layout(table);
  const headerRows = Math.max(0, Math.min(table.rows, options.headerRows ?? table.header_rows ?? 1));
  const headTag = options.headerCellTag ?? 'th';
  const rowHtml = (r: number, tag: string) => {
    let out = '<tr>';
    for (let k = 0; k < table.cols; k++) {
      const key = `${r},${k}`;
      if (covered.has(key)) continue;
      const c = anchors.get(key);
      const attrs = c ? `${c.row_span > 1 ? ` rowspan="${c.row_span}"` : ''}${c.col_span > 1 ? ` colspan="${c.col_span}"` : ''}` : '';
      out += `<${tag}${attrs}>${c ? escapeHtml(c.text) : ''}</${tag}>`;
    }
    return `${out}</tr>`;
  };
  const parts = ['<table>'];
  if (headerRows > 0) {
    parts.push('<thead>');
    for (let r = 0; r < headerRows; r++) parts.push(rowHtml(r, headTag));
    parts.push('</thead>');
  }
  if (headerRows < table.rows) {
    parts.push('<tbody>');
    for (let r = headerRows; r < table.rows; r++) parts.push(rowHtml(r, 'td'));
    parts.push('</tbody>');
  }
  parts.push('</table>');
  return parts.join('');
}

const mdCell = (s: string) => s.replace(/\s+/g, ' ').trim().replace(/\\/g, '\\\\').replace(/\|/g, '\\|');

/**
 * Markdown for a table: a GFM pipe table (first row as its header) when no cell spans, else the
 * HTML table (GFM renders inline HTML), since pipe tables cannot express spans.
 */
export function tableToMarkdown(table: DetectedTable): string {
  if (table.rows === 0 || table.cols === 0) return '';
  if (hasSpans(table)) return tableToHtml(table);
  const grid: string[][] = Array.from({ length: table.rows }, () => new Array<string>(table.cols).fill(''));
  for (const c of table.cells) if (c.row < table.rows && c.col < table.cols) grid[c.row]![c.col] = mdCell(c.text);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(grid[0]!), line(new Array<string>(table.cols).fill('---')), ...grid.slice(1).map(line)].join('\n');
}

/** A table as CSV rows (RFC 4180 quoting); a spanning cell's text sits in its top-left slot. */
export function tableToCsv(table: Table): string {
  const grid: string[][] = Array.from({ length: table.rows }, () => new Array<string>(table.cols).fill(''));
  for (const c of table.cells) if (c.row < table.rows && c.col < table.cols) grid[c.row]![c.col] = c.text;
  const q = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return grid.map((row) => row.map(q).join(',')).join('\n');
}

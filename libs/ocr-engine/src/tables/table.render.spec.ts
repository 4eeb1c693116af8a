import type { TableCell } from '@ocr/documents';
import { tableToCsv, tableToHtml, tableToMarkdown, type DetectedTable } from './table.render';

const cell = (row: number, col: number, text: string, row_span = 1, col_span = 1): TableCell => ({ row, col, row_span, col_span, text, bbox: [0, 0, 1, 1] });

describe('tableToMarkdown', () => {
  it('renders a GFM pipe table with the first row as header and escapes pipes', () => {
    const sut: DetectedTable = { bbox: [0, 0, 10, 10], rows: 2, cols: 2, cells: [cell(0, 0, 'Name'), cell(0, 1, 'A|B'), cell(1, 0, 'x'), cell(1, 1, '')] };
    expect(tableToMarkdown(sut)).toBe('| Name | A\\|B |\n| --- | --- |\n| x |  |');
  });

  it('falls back to an HTML table with colspan and rowspan when cells span', () => {
    const sut: DetectedTable = {
      bbox: [0, 0, 10, 10], rows: 3, cols: 2, header_rows: 1,
      cells: [cell(0, 0, 'Head', 1, 2), cell(1, 0, 'tall', 2, 1), cell(1, 1, 'b'), cell(2, 1, 'c')],
    };
    expect(tableToMarkdown(sut)).toBe(
      '<table><thead><tr><th colspan="2">Head</th></tr></thead><tbody><tr><td rowspan="2">tall</td><td>b</td></tr><tr><td>c</td></tr></tbody></table>',
    );
  });
});

describe('tableToHtml', () => {
  it('puts header rows in thead, escapes text and fills missing slots with empty cells', () => {
    const sut: DetectedTable = { bbox: [0, 0, 1, 1], rows: 2, cols: 2, header_rows: 1, cells: [cell(0, 0, 'a<b'), cell(0, 1, 'c'), cell(1, 1, 'd & e')] };
    expect(tableToHtml(sut, { headerCellTag: 'td' })).toBe('<table><thead><tr><td>a&lt;b</td><td>c</td></tr></thead><tbody><tr><td></td><td>d &amp; e</td></tr></tbody></table>');
    expect(tableToHtml(sut, { headerRows: 0 })).toBe('<table><tbody><tr><td>a&lt;b</td><td>c</td></tr><tr><td></td><td>d &amp; e</td></tr></tbody></table>');
  });
});

describe('tableToCsv', () => {
  it('quotes commas and quotes, spanning text in its first slot', () => {
    const sut: DetectedTable = { bbox: [0, 0, 1, 1], rows: 2, cols: 2, cells: [cell(0, 0, 'a, b', 1, 2), cell(1, 0, 'say "hi"'), cell(1, 1, '3')] };
    expect(tableToCsv(sut)).toBe('"a, b",\n"say ""hi""",3');
  });
});

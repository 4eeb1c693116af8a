import type { JobDocument } from '@ocr/documents';
import { stringify } from 'csv-stringify/sync';
import { tableGrid } from './page-layout';
import { pagesInOrder, RenderedFile, utf8 } from './rendered-file';

/**
 * Every table of the document in one CSV (RFC 4180: CRLF rows; fields with a comma, quote or line break quoted).
 * Layout: a header `page,table,row,col_1,…,col_N` (N = the widest table), then one record per
 * table row, led by the 1-based page number, the 1-based table number on that page and the
 * 1-based row number, so tables stay apart in a spreadsheet and can be filtered. A document
 * without tables is the header `page,table,row` alone.
 */
export function renderCsv(job: JobDocument): RenderedFile {
  const records: string[][] = [];
  let width = 0;
  pagesInOrder(job).forEach((page) => {
    (page.tables ?? []).forEach((table, t) => {
      width = Math.max(width, table.cols);
      tableGrid(table).forEach((row, r) => records.push([String(page.index + 1), String(t + 1), String(r + 1), ...row]));
    });
  });
  const header = ['page', 'table', 'row', ...Array.from({ length: width }, (_, i) => `col_${i + 1}`)];
  const padded = records.map((r) => [...r, ...Array.from({ length: header.length - r.length }, () => '')]);
  const csv = stringify([header, ...padded], { record_delimiter: 'windows', quoted_match: /[\r\n]/ });
  return { contentType: 'text/csv; charset=utf-8', fileName: `${job.uuid}.csv`, body: utf8(csv) };
}

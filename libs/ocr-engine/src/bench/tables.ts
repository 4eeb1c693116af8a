/**
 * Table extraction benchmark: the PP-OCRv4 engine + `detectTables` on the category C (table)
 * entries of an evaluation folder.
 *
 *   node libs/ocr-engine/dist/bench/tables.js [evalDir=../shared/eval/dev] [outDir=bench-out/tables]
 *
 * - PubTabNet entries (a table crop and `table.html`): the crop is read as it is and the page's
 *   first table is compared with the ground truth by TEDS (PubTabNet's metric, full and
 *   structure-only, header cells as `<td>` as in PubTabNet) and by cell-text F1 (exact match of
 *   whitespace-normalised cell texts, as multisets).
 * - ICDAR-2013 entries (a born-digital PDF and `table_N.csv`): each table's page is rendered at
 *   200 dpi without its text layer (so OCR is what is measured) and the predicted table that best
 *   fits the ground truth is scored: share of ground-truth cells (non-empty) whose text matches
 *   exactly after whitespace normalisation (also reported ignoring spaces), and share of rows and
 *   columns recovered (a ground-truth row/column is recovered when it aligns with a predicted one
 *   holding at least half of its cells, texts compared at ≥ 0.8 similarity).
 * Prints one line per entry and the means; writes `<outDir>/summary.json`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { rasterizePage } from '@ocr/documents';
import type { Table } from '@ocr/documents';
import type { RasterImage } from '../engine';
import { createPaddleEngine } from '../paddle-engine';
import { decodeImage } from '../pipeline/load/load';
import { detectTables } from '../tables/table.detect';
import { tableToHtml, type DetectedTable } from '../tables/table.render';
import { levenshtein, parseHtml, teds, type HtmlElement } from '../tables/teds';

interface Entry {
  id: string;
  category: string;
  gt_format: string;
  local: { image: string[]; gt: string[] };
}

const norm = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim();
const nospace = (s: string) => s.normalize('NFC').replace(/\s+/g, '');
const similarity = (a: string, b: string) => {
  const x = Array.from(nospace(a).toLowerCase()), y = Array.from(nospace(b).toLowerCase());
  if (x.length === 0 && y.length === 0) return 1;
  return 1 - levenshtein(x, y) / Math.max(x.length, y.length);
};
const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);
const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'n/a');

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], cell = '', quoted = false;
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\n') row.push(cell), rows.push(row), (row = []), (cell = '');
    else cell += ch;
  }
  if (cell !== '' || row.length) row.push(cell), rows.push(row);
  return rows;
}

/** A table as a grid of slot texts (a spanning cell's text in its top-left slot). */
function grid(t: Table): string[][] {
  const g = Array.from({ length: t.rows }, () => new Array<string>(t.cols).fill(''));
  for (const c of t.cells) if (c.row < t.rows && c.col < t.cols) g[c.row]![c.col] = c.text;
  return g;
}

/** Monotone alignment of a to b maximising the summed score (pairs with score 0 are not aligned). */
function align(n: number, m: number, score: (i: number, j: number) => number): (number | undefined)[] {
  const dp = Array.from({ length: n + 1 }, () => new Float64Array(m + 1));
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const s = score(i - 1, j - 1);
      dp[i]![j] = Math.max(dp[i - 1]![j]!, dp[i]![j - 1]!, s > 0 ? dp[i - 1]![j - 1]! + s : -Infinity);
    }
  }
  const out: (number | undefined)[] = new Array(n).fill(undefined);
  for (let i = n, j = m; i > 0 && j > 0; ) {
    const s = score(i - 1, j - 1);
    if (s > 0 && dp[i]![j] === dp[i - 1]![j - 1]! + s) {
      out[i - 1] = j - 1;
      i--, j--;
    } else if (dp[i]![j] === dp[i - 1]![j]) i--;
    else j--;
  }
  return out;
}

interface IcdarScore {
  cells: number;
  exact: number;
  exactNoSpace: number;
  rows: number;
  rowsRecovered: number;
  cols: number;
  colsRecovered: number;
  predRows: number;
  predCols: number;
}

function scoreIcdar(gt: string[][], pred: Table | undefined): IcdarScore {
  const rows = gt.length, cols = Math.max(0, ...gt.map((r) => r.length));
  const g = gt.map((r) => [...r, ...new Array<string>(cols - r.length).fill('')]);
  const cellsTotal = g.flat().filter((s) => norm(s) !== '').length;
  const empty: IcdarScore = { cells: cellsTotal, exact: 0, exactNoSpace: 0, rows, rowsRecovered: 0, cols, colsRecovered: 0, predRows: 0, predCols: 0 };
  if (!pred) return empty;
  const p = grid(pred);
  const close = (a: string, b: string) => norm(a) !== '' && similarity(a, b) >= 0.8;
  // Columns first (by the contents they share), then rows within the aligned columns.
  const colSim = (gc: number, pc: number) => g.reduce((n, row) => n + p.filter((prow) => close(row[gc]!, prow[pc]!)).length, 0);
  const colMap = align(cols, pred.cols, colSim);
  const rowSim = (gr: number, pr: number) => colMap.reduce<number>((n, pc, gc) => n + (pc !== undefined && close(g[gr]![gc]!, p[pr]![pc]!) ? 1 : 0), 0);
  const rowMap = align(rows, pred.rows, rowSim);
  const at = (r: number, c: number) => {
    const pr = rowMap[r], pc = colMap[c];
    return pr === undefined || pc === undefined ? undefined : p[pr]![pc]!;
  };
  let exact = 0, exactNoSpace = 0;
  const rowOk = new Array<number>(rows).fill(0), colOk = new Array<number>(cols).fill(0);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const truth = g[r]![c]!;
      if (norm(truth) === '') continue;
      const got = at(r, c);
      if (got === undefined) continue;
      if (norm(got) === norm(truth)) exact++;
      if (nospace(got) === nospace(truth)) exactNoSpace++;
      if (close(truth, got)) rowOk[r]!++, colOk[c]!++;
    }
  }
  const filledInRow = (r: number) => g[r]!.filter((s) => norm(s) !== '').length;
  const filledInCol = (c: number) => g.filter((row) => norm(row[c]!) !== '').length;
  return {
    cells: cellsTotal,
    exact,
    exactNoSpace,
    rows,
    rowsRecovered: rowOk.filter((n, r) => rowMap[r] !== undefined && n >= 0.5 * filledInRow(r)).length,
    cols,
    colsRecovered: colOk.filter((n, c) => colMap[c] !== undefined && n >= 0.5 * filledInCol(c)).length,
    predRows: pred.rows,
    predCols: pred.cols,
  };
}

/** Texts of the `<td>`s of an HTML table, markup stripped. */
function htmlCellTexts(html: string): string[] {
  const out: string[] = [];
  const text = (e: HtmlElement): string => e.children.map((c) => (typeof c === 'string' ? c : text(c))).join('');
  const walk = (e: HtmlElement) => {
    for (const c of e.children) {
      if (typeof c === 'string') continue;
      if (c.tag === 'td' || c.tag === 'th') out.push(text(c));
      else walk(c);
    }
  };
  walk(parseHtml(html));
  return out;
}

function cellF1(pred: string[], truth: string[]): number {
  const p = pred.map(norm).filter(Boolean), t = truth.map(norm).filter(Boolean);
  if (p.length === 0 || t.length === 0) return 0;
  const pool = new Map<string, number>();
  for (const s of t) pool.set(s, (pool.get(s) ?? 0) + 1);
  let hit = 0;
  for (const s of p) {
    const n = pool.get(s) ?? 0;
    if (n > 0) hit++, pool.set(s, n - 1);
  }
  const precision = hit / p.length, recall = hit / t.length;
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

const largest = (tables: DetectedTable[]) => [...tables].sort((a, b) => b.cells.length - a.cells.length)[0];

async function main() {
  const evalDir = resolve(process.argv[2] ?? '../shared/eval/dev');
  const outDir = resolve(process.argv[3] ?? 'bench-out/tables');
  const index = JSON.parse(readFileSync(join(evalDir, 'index.json'), 'utf8')) as { entries: Entry[] };
  const entries = index.entries.filter((e) => e.category === 'C');
  const engine = await createPaddleEngine();
  const pubtabnet: Record<string, unknown>[] = [];
  const icdar: Record<string, unknown>[] = [];
  const recognise = async (image: RasterImage) => {
    const t0 = performance.now();
    const page = await engine.recognize(image, { language: 'en' });
    const t1 = performance.now();
    const tables = detectTables(image, page.blocks.flatMap((b) => b.lines));
    const t2 = performance.now();
    return { tables, ocrMs: Math.round(t1 - t0), tableMs: Math.round(t2 - t1) };
  };
  try {
    for (const e of entries) {
      const dir = join(evalDir, e.id);
      if (e.gt_format === 'pubtabnet_jsonl') {
        const image = await decodeImage(readFileSync(join(evalDir, e.local.image[0]!)));
        const truth = readFileSync(join(dir, 'table.html'), 'utf8');
        const { tables, ocrMs, tableMs } = await recognise(image);
        const table = largest(tables);
        const html = table ? tableToHtml(table, { headerCellTag: 'td' }) : '';
        const row = {
          id: e.id,
          teds: teds(html, truth),
          teds_structure: teds(html, truth, { structureOnly: true }),
          cell_f1: cellF1(table ? table.cells.map((c) => c.text) : [], htmlCellTexts(truth)),
          tables: tables.length,
          shape: table ? `${table.rows}x${table.cols}` : '-',
          ocr_ms: ocrMs,
          table_ms: tableMs,
        };
        pubtabnet.push(row);
        console.log(`${e.id.padEnd(36)} TEDS ${fmt(row.teds)}  TEDS-S ${fmt(row.teds_structure)}  cell F1 ${fmt(row.cell_f1)}  ${row.shape}  ocr ${ocrMs} ms, tables ${tableMs} ms`);
      } else if (e.gt_format === 'icdar2013_table_str_xml') {
        const pdf = readFileSync(join(evalDir, e.local.image[0]!));
        const gtTables = JSON.parse(readFileSync(join(dir, 'table_cells.json'), 'utf8')) as { pages: number[] }[];
        const pages = new Map<number, { tables: DetectedTable[]; ocrMs: number; tableMs: number; dpi?: number }>();
        for (let k = 0; k < gtTables.length; k++) {
          const pageNo = gtTables[k]!.pages[0] ?? 1;
          if (!pages.has(pageNo)) {
            // 200 dpi as asked; maxUpscaleOfNative lifted because the page analysis can take a
            // born-digital page with a small logo for a low-resolution scan and cap the dpi.
            const r = await rasterizePage(pdf, pageNo - 1, { dpi: 200, textLayer: false, maxUpscaleOfNative: 1000 });
            pages.set(pageNo, { ...(await recognise(r.image)), dpi: r.dpi });
          }
          const run = pages.get(pageNo)!;
          const truth = parseCsv(readFileSync(join(dir, `table_${k + 1}.csv`), 'utf8'));
          let best: IcdarScore | undefined;
          for (const t of run.tables.length ? run.tables : [undefined]) {
            const s = scoreIcdar(truth, t);
            if (!best || s.exact > best.exact || (s.exact === best.exact && s.rowsRecovered + s.colsRecovered > best.rowsRecovered + best.colsRecovered)) best = s;
          }
          const row = { id: `${e.id}#${k + 1}`, page: pageNo, dpi: run.dpi, tables_on_page: run.tables.length, ...best!, ocr_ms: run.ocrMs, table_ms: run.tableMs };
          icdar.push(row);
          console.log(
            `${row.id.padEnd(36)} exact cells ${row.exact}/${row.cells} (${fmt(row.exact / row.cells)}), ignoring spaces ${row.exactNoSpace}/${row.cells}  rows ${row.rowsRecovered}/${row.rows}  cols ${row.colsRecovered}/${row.cols}  predicted ${row.predRows}x${row.predCols}  ocr ${run.ocrMs} ms, tables ${run.tableMs} ms`,
          );
        }
      }
    }
  } finally {
    await engine.close();
  }
  const sum = (rows: Record<string, unknown>[], k: string) => rows.reduce((a, r) => a + (r[k] as number), 0);
  const summary = {
    evalDir,
    pubtabnet: {
      entries: pubtabnet.length,
      teds: mean(pubtabnet.map((r) => r['teds'] as number)),
      teds_structure: mean(pubtabnet.map((r) => r['teds_structure'] as number)),
      cell_f1: mean(pubtabnet.map((r) => r['cell_f1'] as number)),
      per_entry: pubtabnet,
    },
    icdar2013: {
      tables: icdar.length,
      exact_cells: sum(icdar, 'exact') / sum(icdar, 'cells'),
      exact_cells_ignoring_spaces: sum(icdar, 'exactNoSpace') / sum(icdar, 'cells'),
      rows_recovered: sum(icdar, 'rowsRecovered') / sum(icdar, 'rows'),
      cols_recovered: sum(icdar, 'colsRecovered') / sum(icdar, 'cols'),
      per_table: icdar,
    },
  };
  console.log(
    `\nPubTabNet (${pubtabnet.length}): TEDS ${fmt(summary.pubtabnet.teds)}  TEDS-S ${fmt(summary.pubtabnet.teds_structure)}  cell F1 ${fmt(summary.pubtabnet.cell_f1)}` +
      `\nICDAR-2013 (${icdar.length} tables): exact cells ${fmt(summary.icdar2013.exact_cells)} (ignoring spaces ${fmt(summary.icdar2013.exact_cells_ignoring_spaces)})  rows ${fmt(summary.icdar2013.rows_recovered)}  cols ${fmt(summary.icdar2013.cols_recovered)}`,
  );
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'summary.json'), JSON.stringify(summary, null, 2));
  console.log(`summary: ${join(outDir, 'summary.json')}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

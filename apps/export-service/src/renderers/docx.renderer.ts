import type { Block, JobDocument, JobPage, Table } from '@ocr/documents';
import {
  Document,
  Header,
  Footer,
  HeadingLevel,
  ISectionOptions,
  Packer,
  Paragraph,
  Table as WordTable,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { blockLines, pageItems } from './page-layout';
import { pagesInOrder, RenderedFile } from './rendered-file';

export const DOCX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** Text width of a Letter/A4 page with Word's default margins, in twentieths of a point. */
const TEXT_WIDTH_TWIPS = 9_000;

const BULLET = /^\s*(?:[-–•*·▪●◦]\s+)/;
const NUMBERED = /^\s*(?:\d+|[a-zA-Z])[.)]\s+/;

function lineTexts(block: Block): string[] {
  return blockLines(block)
    .map((l) => l.text)
    .filter((t) => t.trim() !== '');
}

/** A paragraph whose lines keep their breaks (receipts and forms are laid out line by line). */
function linesParagraph(lines: string[], options: { style?: string; italics?: boolean; size?: number } = {}): Paragraph {
  return new Paragraph({
    style: options.style,
    children: lines.map((text, i) => new TextRun({ text, break: i > 0 ? 1 : undefined, italics: options.italics, size: options.size })),
  });
}

function blockParagraphs(block: Block): Paragraph[] {
  const lines = lineTexts(block);
  if (lines.length === 0) return [];
  switch (block.kind) {
    case 'heading':
      return [new Paragraph({ heading: HeadingLevel.HEADING_2, text: lines.join(' ') })];
    case 'list':
      // Bulleted lines become Word list items; numbered ones keep their own numbers.
      return lines.map((text) =>
        NUMBERED.test(text)
          ? new Paragraph({ text: text.trim(), indent: { left: 360 } })
          : new Paragraph({ text: text.replace(BULLET, '').trim(), bullet: { level: 0 } }),
      );
    case 'footnote':
      return [linesParagraph(lines, { size: 18 })];
    case 'figure':
      return [linesParagraph(lines, { italics: true })];
    default:
      return [linesParagraph(lines)];
  }
}

/** A real Word table: rows × cols, spanning cells merged across columns and down rows. */
function wordTable(table: Table): WordTable {
  const start = new Map(table.cells.map((c) => [`${c.row}:${c.col}`, c]));
  const covered = new Set<string>();
  const rows: TableRow[] = [];
  for (let r = 0; r < table.rows; r++) {
    const cells: TableCell[] = [];
    for (let c = 0; c < table.cols; c++) {
      if (covered.has(`${r}:${c}`)) continue;
      const cell = start.get(`${r}:${c}`);
      const rowSpan = Math.min(cell?.row_span ?? 1, table.rows - r);
      const colSpan = Math.min(cell?.col_span ?? 1, table.cols - c);
      for (let dr = 0; dr < rowSpan; dr++) for (let dc = 0; dc < colSpan; dc++) covered.add(`${r + dr}:${c + dc}`);
      const lines = (cell?.text ?? '').split('\n');
      cells.push(
        new TableCell({
          children: [new Paragraph({ children: lines.map((text, i) => new TextRun({ text, break: i > 0 ? 1 : undefined })) })],
          columnSpan: colSpan > 1 ? colSpan : undefined,
          rowSpan: rowSpan > 1 ? rowSpan : undefined,
        }),
      );
    }
    rows.push(new TableRow({ children: cells }));
  }
  const colWidth = Math.floor(TEXT_WIDTH_TWIPS / Math.max(1, table.cols));
  return new WordTable({
    rows,
    width: { size: TEXT_WIDTH_TWIPS, type: WidthType.DXA },
    columnWidths: Array.from({ length: table.cols }, () => colWidth),
  });
}

function pageSection(page: JobPage): ISectionOptions {
  const number = page.index + 1;
  if (page.error) {
    return { children: [new Paragraph({ children: [new TextRun({ text: `Page ${number} could not be read.`, italics: true })] })] };
  }
  const items = pageItems(page);
  const header = items.flatMap((it) => (it.kind === 'block' && it.block.kind === 'header' ? lineTexts(it.block) : []));
  const footer = items.flatMap((it) => (it.kind === 'block' && it.block.kind === 'footer' ? lineTexts(it.block) : []));
  const children: (Paragraph | WordTable)[] = [];
  for (const item of items) {
    if (item.kind === 'table') {
      if (item.table.rows > 0 && item.table.cols > 0) children.push(wordTable(item.table), new Paragraph({}));
    } else if (item.block.kind !== 'header' && item.block.kind !== 'footer') {
      children.push(...blockParagraphs(item.block));
    }
  }
  // A page that came without blocks still has its text.
  if (children.length === 0 && page.text.trim() !== '') children.push(linesParagraph(page.text.split('\n')));
  if (children.length === 0) children.push(new Paragraph({}));
  return {
    headers: header.length ? { default: new Header({ children: [linesParagraph(header)] }) } : undefined,
    footers: footer.length ? { default: new Footer({ children: [linesParagraph(footer)] }) } : undefined,
    children,
  };
}

/**
 * A Word document: one section per page (so each page starts on a new sheet), headings as
 * Word headings, list blocks as list items, tables as real Word tables, a page's header and
 * footer blocks in that section's header and footer.
 */
export async function renderDocx(job: JobDocument): Promise<RenderedFile> {
  const pages = pagesInOrder(job);
  const doc = new Document({
    title: `OCR ${job.uuid}`,
    creator: 'ocr-platform',
    sections:
      pages.length > 0
        ? pages.map(pageSection)
        : [{ children: job.text.split('\n').map((t) => new Paragraph({ text: t })) }],
  });
  const body = await Packer.toBuffer(doc);
  return { contentType: DOCX_CONTENT_TYPE, fileName: `${job.uuid}.docx`, body: new Uint8Array(body) };
}

import type { BBox, JobDocument } from '@ocr/documents';
import { blockLines, lineWords } from './page-layout';
import { pagesInOrder, RenderedFile, utf8 } from './rendered-file';
import { xmlEscape } from './xml';

function box(b: BBox): string {
  return `bbox ${b.map((v) => Math.max(0, Math.round(v))).join(' ')}`;
}

function wconf(confidence: number): string {
  return `x_wconf ${Math.round(Math.min(1, Math.max(0, confidence)) * 100)}`;
}

/**
 * hOCR 1.2 as XHTML (well-formed XML): `ocr_page` › `ocr_carea` › `ocr_par` › `ocr_line` ›
 * `ocrx_word`, each with its `bbox` in page pixels; words carry `x_wconf` (0–100). A block
 * without lines becomes one line, a line without words one word.
 */
export function renderHocr(job: JobDocument): RenderedFile {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
    '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">',
    '<head>',
    `<title>${xmlEscape(job.uuid)}</title>`,
    '<meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>',
    '<meta name="ocr-system" content="ocr-platform"/>',
    '<meta name="ocr-number-of-pages" content="' + job.pages.length + '"/>',
    '<meta name="ocr-capabilities" content="ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf"/>',
    '</head>',
    '<body>',
  ];
  for (const page of pagesInOrder(job)) {
    const p = page.index + 1;
    out.push(`<div class="ocr_page" id="page_${p}" title="${box([0, 0, page.width, page.height])}; ppageno ${page.index}">`);
    page.blocks.forEach((block, b) => {
      const bid = `${p}_${b + 1}`;
      out.push(` <div class="ocr_carea" id="block_${bid}" title="${box(block.bbox)}">`);
      out.push(`  <p class="ocr_par" id="par_${bid}" title="${box(block.bbox)}">`);
      blockLines(block).forEach((line, l) => {
        const lid = `${bid}_${l + 1}`;
        const words = lineWords(line).map(
          (w, i) =>
            `<span class="ocrx_word" id="word_${lid}_${i + 1}" title="${box(w.bbox)}; ${wconf(w.confidence)}">${xmlEscape(w.text)}</span>`,
        );
        out.push(`   <span class="ocr_line" id="line_${lid}" title="${box(line.bbox)}">${words.join(' ')}</span>`);
      });
      out.push('  </p>', ' </div>');
    });
    out.push('</div>');
  }
  out.push('</body>', '</html>', '');
  return { contentType: 'text/html; charset=utf-8', fileName: `${job.uuid}.hocr`, body: utf8(out.join('\n')) };
}

import { rasterizePage } from './page.rasterize';
import { withPdf } from './pdf.loader';

/*
 * pdf.js is loaded on first use (two ES modules, its API and its worker code). Load it at boot
 * instead, outside any request: besides sparing the first upload the wait, this keeps that
 * upload from being held in memory for good. pdf.js makes an Error while its modules load, and
 * the Error's stack trace keeps the objects of the calls that loaded it: the first request that
 * read a PDF, with its whole file (seen in a heap snapshot of the gateway).
 */

/** A valid one-page PDF (an empty 72×72 pt page), written out with its cross-reference table. */
function tinyPdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets = objects.map((object, i) => {
    const offset = body.length;
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
    return offset;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** Loads pdf.js by opening a tiny PDF (what inspecting an upload uses). Call it once at boot. */
export async function warmUpPdfjs(): Promise<void> {
  await withPdf(tinyPdf(), { timeoutMs: 60_000 }, async (doc) => {
    await doc.getPage(1);
  });
}

/** Loads pdf.js and the canvas by rasterizing a tiny PDF page (what a worker does). Call it once at boot. */
export async function warmUpRasterizer(): Promise<void> {
  await rasterizePage(tinyPdf(), 0, { timeoutMs: 60_000 });
}

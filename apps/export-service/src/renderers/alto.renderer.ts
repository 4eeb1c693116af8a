import type { BBox, JobDocument } from '@ocr/documents';
import { blockLines, lineWords } from './page-layout';
import { pagesInOrder, RenderedFile, utf8 } from './rendered-file';
import { xmlEscape } from './xml';

export const ALTO_NAMESPACE = 'http://www.loc.gov/standards/alto/ns-v4#';

/** HPOS/VPOS/WIDTH/HEIGHT of a box, in whole pixels. */
function geometry(b: BBox): string {
  const [x0, y0, x1, y1] = b.map((v) => Math.max(0, Math.round(v)));
  return `HPOS="${x0}" VPOS="${y0}" WIDTH="${Math.max(0, x1 - x0)}" HEIGHT="${Math.max(0, y1 - y0)}"`;
}

function wc(confidence: number): string {
  return (Math.round(Math.min(1, Math.max(0, confidence)) * 10_000) / 10_000).toString();
}

/**
 * ALTO v4 XML with pixel measurements: `Page` › `PrintSpace` › `TextBlock` (or `Illustration`
 * for a figure without text) › `TextLine` › `String` (with `WC` confidence 0–1) and `SP`
 * between words. A block without lines becomes one line, a line without words one String.
 */
export function renderAlto(job: JobDocument): RenderedFile {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<alto xmlns="${ALTO_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${ALTO_NAMESPACE} http://www.loc.gov/alto/v4/alto-4-4.xsd">`,
    '  <Description>',
    '    <MeasurementUnit>pixel</MeasurementUnit>',
    `    <sourceImageInformation><fileName>${xmlEscape(job.uuid)}</fileName></sourceImageInformation>`,
    '  </Description>',
    '  <Layout>',
  ];
  for (const page of pagesInOrder(job)) {
    const p = page.index + 1;
    const size = `WIDTH="${Math.round(page.width)}" HEIGHT="${Math.round(page.height)}"`;
    const pc = page.error ? '' : ` PC="${wc(page.mean_confidence)}"`;
    out.push(`    <Page ID="p${p}" PHYSICAL_IMG_NR="${p}" ${size}${pc}>`);
    out.push(`      <PrintSpace HPOS="0" VPOS="0" ${size}>`);
    page.blocks.forEach((block, b) => {
      const bid = `p${p}_b${b + 1}`;
      if (block.kind === 'figure' && block.text.trim() === '') {
        out.push(`        <Illustration ID="${bid}" ${geometry(block.bbox)}/>`);
        return;
      }
      out.push(`        <TextBlock ID="${bid}" ${geometry(block.bbox)}>`);
      blockLines(block).forEach((line, l) => {
        const words = lineWords(line);
        if (words.length === 0) return; // ALTO wants at least one String in a TextLine.
        const lid = `${bid}_l${l + 1}`;
        out.push(`          <TextLine ID="${lid}" ${geometry(line.bbox)}>`);
        words.forEach((w, i) => {
          if (i > 0) out.push('            <SP/>');
          out.push(
            `            <String ID="${lid}_w${i + 1}" ${geometry(w.bbox)} CONTENT="${xmlEscape(w.text)}" WC="${wc(w.confidence)}"/>`,
          );
        });
        out.push('          </TextLine>');
      });
      out.push('        </TextBlock>');
    });
    out.push('      </PrintSpace>', '    </Page>');
  }
  out.push('  </Layout>', '</alto>', '');
  return { contentType: 'application/xml; charset=utf-8', fileName: `${job.uuid}.alto.xml`, body: utf8(out.join('\n')) };
}

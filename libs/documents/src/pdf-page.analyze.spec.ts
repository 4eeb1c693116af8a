import sharp from 'sharp';
import { contentStreamPdf, LETTER } from '../test/document.fixtures';
import { analyzePdfPage, displayOperatorList, type PlacedImage } from './pdf-page.analyze';
import { loadPdfjs, withPdf } from './pdf.loader';

const [PAGE_W, PAGE_H] = LETTER;

/** What the analysis should find for an image of `px` pixels drawn over [x, y, x + w, y + h] (PDF points, origin bottom-left). */
function placed(px: [number, number], x: number, y: number, w: number, h: number): PlacedImage {
  return {
    pixelWidth: px[0],
    pixelHeight: px[1],
    box: [x, PAGE_H - (y + h), x + w, PAGE_H - y],
    coverage: (w * h) / (PAGE_W * PAGE_H),
    ppi: Math.max(px[0] / (w / 72), px[1] / (h / 72)),
  };
}

const byPosition = (a: PlacedImage, b: PlacedImage) => a.box[1] - b.box[1] || a.box[0] - b.box[0];

function expectImages(actual: PlacedImage[], expected: PlacedImage[]): void {
  expect(actual).toHaveLength(expected.length);
  const got = [...actual].sort(byPosition);
  [...expected].sort(byPosition).forEach((want, i) => {
    expect(got[i]!.pixelWidth).toBe(want.pixelWidth);
    expect(got[i]!.pixelHeight).toBe(want.pixelHeight);
    got[i]!.box.forEach((v, k) => expect(v).toBeCloseTo(want.box[k]!, 3));
    expect(got[i]!.coverage).toBeCloseTo(want.coverage, 6);
    expect(got[i]!.ppi).toBeCloseTo(want.ppi, 3);
  });
}

describe(analyzePdfPage.name, () => {
  // Runs of images that pdf.js folds into one operation of the display list (its queue optimizer):
  // the analysis must still see every image, where it lands and at what resolution.
  const XO_X = [50, 200, 350, 500];
  const INLINE_X = Array.from({ length: 10 }, (_, i) => 20 + 40 * i);
  const MASK_X = Array.from({ length: 11 }, (_, i) => 20 + 50 * i);
  const content = [
    // The same 20×10 px image XObject four times, scaled only: the first, then paintImageXObjectRepeat.
    ...XO_X.map((x) => `q 100 0 0 50 ${x} 600 cm /Im1 Do Q`),
    // Ten 4×4 grey inline images: paintInlineImageXObjectGroup.
    ...INLINE_X.map((x) => `q 10 0 0 10 ${x} 400 cm BI /W 4 /H 4 /CS /G /BPC 8 /F /AHx ID ${'80'.repeat(16)}> EI Q`),
    // Ten different 8×8 inline image masks (each waits on its own decoded object, so pdf.js 6 leaves them unfolded).
    ...INLINE_X.map((x, i) => `q 12 0 0 12 ${x} 300 cm BI /W 8 /H 8 /IM true /BPC 1 /F /AHx ID ${(i + 16).toString(16).repeat(8)}> EI Q`),
    // One 16×16 image-mask XObject eleven times: the first, then paintImageMaskXObjectRepeat for the other ten.
    ...MASK_X.map((x) => `q 30 0 0 30 ${x} 100 cm /Mk Do Q`),
  ].join('\n');

  async function analyze() {
    const png = await sharp({ create: { width: 20, height: 10, channels: 3, background: '#446688' } }).png().toBuffer();
    const pdf = await contentStreamPdf(content, { Im1: png, Mk: { mask: true, width: 16, height: 16, hex: 'f0f0'.repeat(16) } });
    const { OPS } = await loadPdfjs();
    return withPdf(pdf, { timeoutMs: 20_000 }, async (doc) => {
      const page = await doc.getPage(1);
      const ops = new Set((await displayOperatorList(page)).fnArray);
      return { OPS, ops, analysis: await analyzePdfPage(page) };
    });
  }

  it('reads the display list, where pdf.js folds runs of images into group and repeat operations', async () => {
    const { OPS, ops } = await analyze();
    expect(ops.has(OPS.paintImageXObjectRepeat)).toBe(true);
    expect(ops.has(OPS.paintInlineImageXObjectGroup)).toBe(true);
    expect(ops.has(OPS.paintImageMaskXObjectRepeat)).toBe(true);
  });

  it('finds every image of the folded runs, with its place and resolution', async () => {
    const { analysis } = await analyze();
    expect([analysis.widthPt, analysis.heightPt]).toEqual([PAGE_W, PAGE_H]);
    expectImages(analysis.images, [
      ...XO_X.map((x) => placed([20, 10], x, 600, 100, 50)),
      ...INLINE_X.map((x) => placed([4, 4], x, 400, 10, 10)),
      ...INLINE_X.map((x) => placed([8, 8], x, 300, 12, 12)),
      ...MASK_X.map((x) => placed([16, 16], x, 100, 30, 30)),
    ]);
    expect(analysis.visibleGlyphs + analysis.invisibleGlyphs).toBe(0);
  });
});

import { createCanvas } from '@napi-rs/canvas';
import type { PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { loadPdfjs } from './pdf.loader';

type RenderParameters = Parameters<PDFPageProxy['render']>[0];

type Matrix = [number, number, number, number, number, number];

/** An image drawn on the page: its own pixel size and where it lands, in PDF points (top-left origin). */
export interface PlacedImage {
  pixelWidth: number;
  pixelHeight: number;
  /** [x0, y0, x1, y1] in points of the unrotated-for-display page (scale 1 viewport), clipped to the page. */
  box: [number, number, number, number];
  /** Share of the page's area the image covers, 0..1. */
  coverage: number;
  /** The image's own resolution where it is drawn (the larger of the two axes). */
  ppi: number;
}

export interface PdfPageAnalysis {
  /** Page size in points as displayed (the page's /Rotate applied). */
  widthPt: number;
  heightPt: number;
  images: PlacedImage[];
  /** Glyphs drawn visibly (render modes 0–2, 4–6) and invisibly (3 and 7: the mode OCR layers use). */
  visibleGlyphs: number;
  invisibleGlyphs: number;
}

function multiply(m1: Matrix, m2: Matrix): Matrix {
  return [
    m1[0] * m2[0] + m1[2] * m2[1],
    m1[1] * m2[0] + m1[3] * m2[1],
    m1[0] * m2[2] + m1[2] * m2[3],
    m1[1] * m2[2] + m1[3] * m2[3],
    m1[0] * m2[4] + m1[2] * m2[5] + m1[4],
    m1[1] * m2[4] + m1[3] * m2[5] + m1[5],
  ];
}

function apply(m: Matrix, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

function isMatrix(value: unknown): value is Matrix {
  return Array.isArray(value) && value.length === 6 && value.every((n) => typeof n === 'number');
}

/** Counts the glyphs (not the spacing numbers, not spaces) in a showText argument. */
function countGlyphs(glyphs: unknown): number {
  if (!Array.isArray(glyphs)) return 0;
  let count = 0;
  for (const glyph of glyphs) {
    if (glyph && typeof glyph === 'object' && !(glyph as { isSpace?: boolean }).isSpace) count += 1;
  }
  return count;
}

type OperatorList = Awaited<ReturnType<PDFPageProxy['getOperatorList']>>;

/**
 * The page's operator list for the `display` intent, the one `page.render` draws, fetched without
 * drawing anything: a render onto a 1×1 canvas whose operations filter lets no operation through.
 * pdf.js keeps that list (and the images it decoded for it) on the page until `page.cleanup()`,
 * so the real render that follows draws from it instead of parsing the content stream and decoding
 * every image a second time (`page.getOperatorList()` has an intent of its own, hence a second parse).
 */
export async function displayOperatorList(page: PDFPageProxy): Promise<OperatorList> {
  let captured: OperatorList | undefined;
  const canvas = createCanvas(1, 1);
  await page.render({
    canvas: canvas as unknown as RenderParameters['canvas'],
    canvasContext: canvas.getContext('2d') as unknown as RenderParameters['canvasContext'],
    viewport: page.getViewport({ scale: 1 / 1024 }),
    operationsFilter: (_index, operatorList) => {
      captured = operatorList;
      return false;
    },
  }).promise;
  return captured ?? { fnArray: [], argsArray: [] };
}

/**
 * Walks the page's operator list once, tracking the transformation matrix, to find the images drawn
 * on the page (their pixel size and where they land) and whether its text is drawn visibly. This is
 * what tells a scanned page (one image over the page, maybe an invisible OCR layer) from a
 * born-digital one. It reads the `display` list (see `displayOperatorList`), so the page's images
 * are decoded once for both this and the render; that list is optimized by pdf.js, which folds runs
 * of images into group and repeat operations: those are unfolded here.
 */
export async function analyzePdfPage(page: PDFPageProxy): Promise<PdfPageAnalysis> {
  const { OPS } = await loadPdfjs();
  const viewport = page.getViewport({ scale: 1 });
  const widthPt = viewport.width;
  const heightPt = viewport.height;
  const pageArea = widthPt * heightPt;
  const opList = await displayOperatorList(page);

  let ctm: Matrix = viewport.transform as Matrix;
  let renderMode = 0;
  const stack: { ctm: Matrix; renderMode: number }[] = [];
  const images: PlacedImage[] = [];
  let visibleGlyphs = 0;
  let invisibleGlyphs = 0;

  const placeImage = (pixelWidth: number, pixelHeight: number, at: Matrix = ctm): void => {
    if (!(pixelWidth > 0 && pixelHeight > 0)) return;
    const corners = [apply(at, 0, 0), apply(at, 1, 0), apply(at, 0, 1), apply(at, 1, 1)];
    const xs = corners.map((c) => c[0]);
    const ys = corners.map((c) => c[1]);
    const x0 = Math.max(0, Math.min(...xs));
    const y0 = Math.max(0, Math.min(...ys));
    const x1 = Math.min(widthPt, Math.max(...xs));
    const y1 = Math.min(heightPt, Math.max(...ys));
    if (x1 <= x0 || y1 <= y0) return;
    // The unit square's sides, in points: the image's x axis spans pixelWidth pixels, its y axis pixelHeight.
    const sideX = Math.hypot(at[0], at[1]);
    const sideY = Math.hypot(at[2], at[3]);
    if (sideX === 0 || sideY === 0) return;
    const ppi = Math.max(pixelWidth / (sideX / 72), pixelHeight / (sideY / 72));
    images.push({ pixelWidth, pixelHeight, box: [x0, y0, x1, y1], coverage: ((x1 - x0) * (y1 - y0)) / pageArea, ppi });
  };
  // An image drawn under `transform` (the save / transform / paint / restore that pdf.js folded).
  const placeImageUnder = (transform: unknown, pixelWidth: number, pixelHeight: number): void => {
    if (isMatrix(transform)) placeImage(pixelWidth, pixelHeight, multiply(ctm, transform));
  };

  for (let i = 0; i < opList.fnArray.length; i += 1) {
    const fn = opList.fnArray[i];
    const args = opList.argsArray[i] as unknown[] | null;
    switch (fn) {
      case OPS.save:
        stack.push({ ctm, renderMode });
        break;
      case OPS.restore: {
        const state = stack.pop();
        if (state) ({ ctm, renderMode } = state);
        break;
      }
      case OPS.transform:
        if (args && isMatrix(args)) ctm = multiply(ctm, args);
        break;
      case OPS.paintFormXObjectBegin:
        stack.push({ ctm, renderMode });
        if (args && isMatrix(args[0])) ctm = multiply(ctm, args[0]);
        break;
      case OPS.paintFormXObjectEnd: {
        const state = stack.pop();
        if (state) ({ ctm, renderMode } = state);
        break;
      }
      case OPS.setTextRenderingMode:
        if (args && typeof args[0] === 'number') renderMode = args[0];
        break;
      case OPS.showText:
      case OPS.showSpacedText:
      case OPS.nextLineShowText: {
        const glyphs = countGlyphs(args?.[0]);
        if ((renderMode & 3) === 3) invisibleGlyphs += glyphs;
        else visibleGlyphs += glyphs;
        break;
      }
      case OPS.nextLineSetSpacingShowText: {
        const glyphs = countGlyphs(args?.[2]);
        if ((renderMode & 3) === 3) invisibleGlyphs += glyphs;
        else visibleGlyphs += glyphs;
        break;
      }
      case OPS.paintImageXObject:
        if (args) placeImage(Number(args[1]), Number(args[2]));
        break;
      case OPS.paintInlineImageXObject:
      case OPS.paintImageMaskXObject: {
        const img = args?.[0] as { width?: number; height?: number } | undefined;
        if (img) placeImage(Number(img.width), Number(img.height));
        break;
      }
      case OPS.paintImageXObjectRepeat: {
        // [objId, scaleX, scaleY, positions]: one image at several places; its size is on the decoded object.
        const [objId, scaleX, scaleY, positions] = (args ?? []) as [string, number, number, ArrayLike<number>];
        const size = await decodedImageSize(page, objId);
        if (!size || !positions) break;
        for (let k = 0; k + 1 < positions.length; k += 2) {
          placeImageUnder([scaleX, 0, 0, scaleY, positions[k]!, positions[k + 1]!], size.width, size.height);
        }
        break;
      }
      case OPS.paintImageMaskXObjectRepeat: {
        // [mask, a, b, c, d, positions]
        const [mask, a, b, c, d, positions] = (args ?? []) as [{ width?: number; height?: number }, number, number, number, number, ArrayLike<number>];
        if (!mask || !positions) break;
        for (let k = 0; k + 1 < positions.length; k += 2) {
          placeImageUnder([a, b, c, d, positions[k]!, positions[k + 1]!], Number(mask.width), Number(mask.height));
        }
        break;
      }
      case OPS.paintImageMaskXObjectGroup: {
        // [[{ width, height, transform }, …]]
        const group = (args?.[0] ?? []) as { width?: number; height?: number; transform?: unknown }[];
        for (const mask of group) placeImageUnder(mask.transform, Number(mask.width), Number(mask.height));
        break;
      }
      case OPS.paintInlineImageXObjectGroup: {
        // [atlas, [{ transform, w, h }, …]]: small inline images packed into one.
        const map = (args?.[1] ?? []) as { transform?: unknown; w?: number; h?: number }[];
        for (const image of map) placeImageUnder(image.transform, Number(image.w), Number(image.h));
        break;
      }
      default:
        break;
    }
  }
  return { widthPt, heightPt, images, visibleGlyphs, invisibleGlyphs };
}

/** Pixel size of a decoded image of the page (null when it failed to decode). */
function decodedImageSize(page: PDFPageProxy, objId: string): Promise<{ width: number; height: number } | null> {
  // Images shared between pages live in the document's objects ("g_" ids), the others in the page's.
  const pool = objId.startsWith('g_') ? page.commonObjs : page.objs;
  return new Promise((resolve) => {
    pool.get(objId, (image: { width?: number; height?: number } | null) =>
      resolve(image && Number(image.width) > 0 && Number(image.height) > 0 ? { width: Number(image.width), height: Number(image.height) } : null),
    );
  });
}

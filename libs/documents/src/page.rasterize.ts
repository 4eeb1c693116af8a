import { createCanvas } from '@napi-rs/canvas';
import sharp from 'sharp';
import { DocumentError } from './document.error';
import { type DocumentType, sniffType } from './document-type.sniff';
import { decodeBmp, readBmpHeader } from './image.bmp';
import { describePixels, toImageError } from './image.checks';
import type { BBox, PageSource } from './job-document';
import type { PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { analyzePdfPage } from './pdf-page.analyze';
import { withPdf } from './pdf.loader';
import { rgbaToRgb } from './raster.pixels';
import { DEFAULT_RESOLUTION, type ResolutionOptions, chooseDpi, rasterSize, scanResolution } from './page.resolution';
import { readTextLayer, type TextLayerPage } from './text-layer.extract';
import { DEFAULT_TEXT_LAYER_RULE, type TextLayerRule, judgeTextLayer } from './text-layer.rule';

/** Decoded pixels of one page: 8-bit RGB, rows top to bottom (the OCR engine's `RasterImage`). */
export interface RasterImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 3;
}

export interface RasterPage {
  /** 0-based page index in the file. */
  index: number;
  image: RasterImage;
  /** Resolution of the raster: chosen for PDF pages, from the file's header for images (when it has one). */
  dpi?: number;
  /** `text-layer` when the page's own text layer is used (then `textLayer` is set), else `ocr`. */
  source: PageSource;
  textLayer?: TextLayerPage;
  /** Why a PDF page's text layer was not used (for logs), when it had one. */
  textLayerRejected?: string;
  /**
   * Images drawn on a PDF page, in raster pixels: on a `text-layer` page their text is not in the
   * layer, so these are the regions left to OCR. Only images of at least 1% of the page are listed.
   */
  imageRegions?: BBox[];
  /** Milliseconds per step (analyze, text_layer, render, decode). */
  timings_ms: Record<string, number>;
}

export interface RasterizeOptions extends Partial<ResolutionOptions> {
  /** Refuse an image page with more pixels than this before decoding it (default 100 MP). */
  maxInputPixels?: number;
  /** Look for and judge a PDF page's text layer (default true); false always reports `ocr`. */
  textLayer?: boolean;
  textLayerRule?: TextLayerRule;
  /** Give up on a PDF page after this long (default 60 s). */
  timeoutMs?: number;
}

type RenderParameters = Parameters<PDFPageProxy['render']>[0];

const DEFAULT_MAX_INPUT_PIXELS = 100_000_000;
const IMAGE_REGION_MIN_COVERAGE = 0.01;

const elapsed = (since: number) => Math.round((performance.now() - since) * 10) / 10;

function outOfRange(pageIndex: number, count: number): DocumentError {
  return new DocumentError('page_out_of_range', `Page ${pageIndex} does not exist: the file has ${count} page${count === 1 ? '' : 's'} (0-based indices).`);
}

/** Scale factor (≤ 1) that brings width×height under the pixel cap. */
function shrinkFactor(width: number, height: number, maxPixels: number): number {
  return width * height > maxPixels ? Math.sqrt(maxPixels / (width * height)) : 1;
}

async function rasterizeImage(bytes: Buffer, type: Exclude<DocumentType, 'pdf'>, pageIndex: number, options: RasterizeOptions): Promise<RasterPage> {
  const started = performance.now();
  const maxInputPixels = options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS;
  const maxPixels = options.maxPixels ?? DEFAULT_RESOLUTION.maxPixels;
  const refuse = (width: number, height: number) =>
    new DocumentError(
      'too_many_pixels',
      `The image is ${width}×${height} pixels (${describePixels(width * height)}); the limit is ${describePixels(maxInputPixels)} per page.`,
    );

  let pipeline: sharp.Sharp;
  let density: number | undefined;
  if (type === 'bmp') {
    if (pageIndex !== 0) throw outOfRange(pageIndex, 1);
    const header = readBmpHeader(bytes);
    if (header.width * header.height > maxInputPixels) throw refuse(header.width, header.height);
    const decoded = decodeBmp(bytes);
    pipeline = sharp(decoded.data, { raw: { width: decoded.width, height: decoded.height, channels: 3 } });
    const ppm = bytes.length >= 42 && bytes.readUInt32LE(14) >= 40 ? bytes.readInt32LE(38) : 0;
    if (ppm > 0) density = Math.round(ppm * 0.0254);
  } else {
    let meta: sharp.Metadata;
    try {
      meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    } catch (error) {
      throw toImageError(error, type);
    }
    const count = meta.pages ?? 1;
    if (!Number.isInteger(pageIndex) || pageIndex < 0 || pageIndex >= count) throw outOfRange(pageIndex, count);
    const pageMeta = type === 'tiff' && count > 1 ? await sharp(bytes, { page: pageIndex, limitInputPixels: false }).metadata() : meta;
    const width = pageMeta.width;
    const height = type === 'tiff' ? pageMeta.height : (pageMeta.pageHeight ?? pageMeta.height);
    if (width * height > maxInputPixels) throw refuse(width, height);
    density = pageMeta.density;
    pipeline = sharp(bytes, { page: pageIndex, pages: 1, limitInputPixels: maxInputPixels, failOn: 'truncated' }).autoOrient();
  }

  // Flatten transparency on white, then 8-bit sRGB without alpha; shrink only past the pixel cap.
  try {
    const oriented = await pipeline
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    let { data, info } = oriented;
    const factor = shrinkFactor(info.width, info.height, maxPixels);
    if (factor < 1) {
      const width = Math.max(1, Math.floor(info.width * factor));
      const height = Math.max(1, Math.floor(info.height * factor));
      ({ data, info } = await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
        .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
        .raw({ depth: 'uchar' })
        .toBuffer({ resolveWithObject: true }));
      if (density) density = density * factor;
    }
    if (info.channels !== 3 || data.length !== info.width * info.height * 3) {
      throw new DocumentError('corrupt', `The ${type.toUpperCase()} image decoded to an unexpected pixel layout.`);
    }
    return {
      index: pageIndex,
      image: { data, width: info.width, height: info.height, channels: 3 },
      ...(density && density > 0 ? { dpi: Math.round(density * 100) / 100 } : {}),
      source: 'ocr',
      timings_ms: { decode: elapsed(started) },
    };
  } catch (error) {
    throw toImageError(error, type);
  }
}

async function rasterizePdfPage(bytes: Buffer, pageIndex: number, options: RasterizeOptions): Promise<RasterPage> {
  const resolution: ResolutionOptions = {
    dpi: options.dpi ?? DEFAULT_RESOLUTION.dpi,
    maxLongSide: options.maxLongSide ?? DEFAULT_RESOLUTION.maxLongSide,
    maxPixels: options.maxPixels ?? DEFAULT_RESOLUTION.maxPixels,
    maxUpscaleOfNative: options.maxUpscaleOfNative ?? DEFAULT_RESOLUTION.maxUpscaleOfNative,
    minScanDpi: options.minScanDpi ?? DEFAULT_RESOLUTION.minScanDpi,
  };
  const maxImagePixels = options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS;
  return withPdf(bytes, { timeoutMs: options.timeoutMs ?? 60_000, maxImagePixels }, async (doc) => {
    if (!Number.isInteger(pageIndex) || pageIndex < 0 || pageIndex >= doc.numPages) throw outOfRange(pageIndex, doc.numPages);
    const timings: Record<string, number> = {};
    const page = await doc.getPage(pageIndex + 1);

    let t = performance.now();
    const analysis = await analyzePdfPage(page);
    timings.analyze = elapsed(t);
    const dpi = chooseDpi(analysis, scanResolution(analysis.images), resolution);
    const scale = dpi / 72;
    const { width, height } = rasterSize(analysis.widthPt, analysis.heightPt, dpi);

    let textLayer: TextLayerPage | undefined;
    let textLayerRejected: string | undefined;
    if (options.textLayer ?? true) {
      t = performance.now();
      const layer = await readTextLayer(page, scale);
      timings.text_layer = elapsed(t);
      const verdict = judgeTextLayer(layer, analysis, options.textLayerRule ?? DEFAULT_TEXT_LAYER_RULE);
      if (verdict.use) textLayer = layer;
      else if (layer.chars > 0) textLayerRejected = verdict.reason;
    }

    t = performance.now();
    const canvas = createCanvas(width, height);
    const context = canvas.getContext('2d');
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, width, height);
    const viewport = page.getViewport({ scale });
    await page.render({
      canvas: canvas as unknown as RenderParameters['canvas'],
      canvasContext: context as unknown as RenderParameters['canvasContext'],
      viewport,
      background: '#ffffff',
    }).promise;
    const data = rgbaToRgb(context.getImageData(0, 0, width, height).data, width * height);
    timings.render = elapsed(t);
    page.cleanup();

    const imageRegions: BBox[] = analysis.images
      .filter((image) => image.coverage >= IMAGE_REGION_MIN_COVERAGE)
      .map((image) => [
        Math.max(0, Math.floor(image.box[0] * scale)),
        Math.max(0, Math.floor(image.box[1] * scale)),
        Math.min(width, Math.ceil(image.box[2] * scale)),
        Math.min(height, Math.ceil(image.box[3] * scale)),
      ]);

    return {
      index: pageIndex,
      image: { data, width, height, channels: 3 },
      dpi: Math.round(dpi * 100) / 100,
      source: textLayer ? 'text-layer' : 'ocr',
      ...(textLayer ? { textLayer } : {}),
      ...(textLayerRejected ? { textLayerRejected } : {}),
      ...(imageRegions.length > 0 ? { imageRegions } : {}),
      timings_ms: timings,
    };
  });
}

/**
 * Rasterizes ONE page of a file to 8-bit RGB for OCR, decoding nothing else of the file.
 * - Images: only the requested page/frame is decoded (TIFF, GIF, WEBP pages), EXIF orientation is
 *   applied, transparency flattened on white; native resolution, shrunk only past `maxPixels`.
 * - PDF: the page is rendered with pdf.js at the resolution `chooseDpi` picks (300 dpi for
 *   letter/A4, at most 1.5× a scan's own resolution, long side ≤ 4000 px, ≤ 16 MP). Its text layer
 *   is read and, when it is the page's real text (`judgeTextLayer`), returned with `source: 'text-layer'`.
 */
export async function rasterizePage(bytes: Buffer, pageIndex: number, options: RasterizeOptions = {}): Promise<RasterPage> {
  if (bytes.length === 0) throw new DocumentError('empty', 'The file is empty.');
  const type = sniffType(bytes);
  if (type === null) {
    throw new DocumentError('unsupported_type', 'The file is not a supported type (PNG, JPEG, WEBP, GIF, BMP, TIFF or PDF), judged from its contents.');
  }
  if (!Number.isInteger(pageIndex) || pageIndex < 0) {
    throw new DocumentError('page_out_of_range', `Page index ${pageIndex} is not a non-negative integer.`);
  }
  return type === 'pdf' ? rasterizePdfPage(bytes, pageIndex, options) : rasterizeImage(bytes, type, pageIndex, options);
}

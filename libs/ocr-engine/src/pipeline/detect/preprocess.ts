import sharp from 'sharp';
import type { PageRaster } from '../load/load';
import type { DbOptions } from './db-postprocess';

export interface DetResizeOptions {
  /** Longest side of the detector's input (PaddleOCR's det_limit_side_len with limit_type 'max'). */
  readonly maxSide: number;
  /** Images with a shorter side than this are padded up to it (single-line images need margin). */
  readonly minShortSide: number;
  /** Small images are upscaled so their long side reaches this (tiny text is missed otherwise); 0 = never. */
  readonly upscaleTo: number;
  /** Largest upscale factor. */
  readonly maxUpscale: number;
  /**
   * Smallest margin, in page pixels, that a box keeps around its text kernel (`dbOptionsFor`);
   * absent or 0: none beyond PaddleOCR's unclip.
   */
  readonly minMargin?: number;
}

/**
 * PaddleOCR's DetResizeForTest (limit_type 'max'): scale so the long side is at most `maxSide`,
 * then round each side to a multiple of 32 (at least 32).
 */
export function detResizeShape(width: number, height: number, maxSide: number, upscale = 1): { width: number; height: number } {
  let ratio = 1;
  if (Math.max(width, height) > maxSide) ratio = maxSide / Math.max(width, height);
  else ratio = Math.min(upscale, maxSide / Math.max(width, height));
  const rh = Math.max(Math.round((height * ratio) / 32) * 32, 32);
  const rw = Math.max(Math.round((width * ratio) / 32) * 32, 32);
  return { width: rw, height: rh };
}

/** How detector-space coordinates map back to page pixels. */
export interface DetGeometry {
  /** Detector input size. */
  readonly width: number;
  readonly height: number;
  /** Padding added around the page before resizing, in page pixels. */
  readonly pad: number;
  /** Detector pixels per padded-page pixel, per axis. */
  readonly scaleX: number;
  readonly scaleY: number;
}

export function detToPage(g: DetGeometry, x: number, y: number): [number, number] {
  return [x / g.scaleX - g.pad, y / g.scaleY - g.pad];
}

/**
 * The DB post-process options for one page: `minMargin` (page pixels) becomes the smallest unclip
 * distance in this page's detector pixels. Small text (table cells of 8–10 px, upscaled for the
 * detector) gives kernels only a few detector pixels thick, and the boxes grown from them are no
 * taller than the text: the recognizer then reads clipped ascenders (f as t) or nothing at all.
 * Text of ordinary size is unclipped by more than the margin anyway, so its boxes do not change.
 */
export function dbOptionsFor<T extends DbOptions & DetResizeOptions>(options: T, geometry: DetGeometry): T {
  if (!options.minMargin) return options;
  return { ...options, minUnclip: options.minMargin * Math.min(geometry.scaleX, geometry.scaleY) };
}

/** ImageNet mean/std that PP-OCR's detector was trained with, applied to B, G, R in that order. */
export const DET_MEAN = [0.485, 0.456, 0.406] as const;
export const DET_STD = [0.229, 0.224, 0.225] as const;

/**
 * PaddleOCR's NormalizeImage + ToCHW on an interleaved RGB(A)/grey buffer: the model reads
 * OpenCV's BGR order, so plane 0 is blue; value = (v / 255 − mean[c]) / std[c].
 */
export function normalizeDet(pixels: Uint8Array, width: number, height: number, channels: number): Float32Array {
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  const table = new Float32Array(256);
  for (let c = 0; c < 3; c++) {
    const src = channels === 1 ? 0 : 2 - c; // BGR plane c reads RGB channel 2 − c
    const m = DET_MEAN[c]!, s = DET_STD[c]!;
    for (let v = 0; v < 256; v++) table[v] = (v / 255 - m) / s;
    const o = c * plane;
    for (let i = 0; i < plane; i++) out[o + i] = table[pixels[i * channels + src]!]!;
  }
  return out;
}

/** The border colour of a page (mean of its edge pixels), used to pad it. */
export function borderColour(page: PageRaster): number[] {
  const { width, height, channels, data } = page;
  const sum = new Array<number>(channels).fill(0);
  let n = 0;
  const add = (x: number, y: number) => {
    const i = (y * width + x) * channels;
    for (let c = 0; c < channels; c++) sum[c]! += data[i + c]!;
    n++;
  };
  const stepX = Math.max(1, Math.floor(width / 512)), stepY = Math.max(1, Math.floor(height / 512));
  for (let x = 0; x < width; x += stepX) { add(x, 0); add(x, height - 1); }
  for (let y = 0; y < height; y += stepY) { add(0, y); add(width - 1, y); }
  return sum.map((s) => Math.round(s / n));
}

/** Build the detector's input: pad small pages, resize by the rule above, normalise. */
export async function prepareDetInput(
  page: PageRaster,
  options: DetResizeOptions,
): Promise<{ tensor: Float32Array; geometry: DetGeometry }> {
  const short = Math.min(page.width, page.height);
  const pad = short < options.minShortSide ? Math.ceil((options.minShortSide - short) / 2) : 0;
  let src: PageRaster = page;
  if (pad > 0) src = padPage(page, pad);
  const long = Math.max(src.width, src.height);
  const upscale = options.upscaleTo > 0 && long < options.upscaleTo ? Math.min(options.maxUpscale, options.upscaleTo / long) : 1;
  const size = detResizeShape(src.width, src.height, options.maxSide, upscale);
  let pixels: Uint8Array = src.data;
  let channels: number = src.channels;
  if (size.width !== src.width || size.height !== src.height || channels === 4) {
    const out = await sharp(src.data, {
      raw: { width: src.width, height: src.height, channels: src.channels },
      limitInputPixels: false,
    })
      .resize(size.width, size.height, { fit: 'fill', kernel: 'linear' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    pixels = out.data;
    channels = out.info.channels;
  }
  return {
    tensor: normalizeDet(pixels, size.width, size.height, channels),
    geometry: {
      width: size.width,
      height: size.height,
      pad,
      scaleX: size.width / src.width,
      scaleY: size.height / src.height,
    },
  };
}

function padPage(page: PageRaster, pad: number): PageRaster {
  const w = page.width + 2 * pad, h = page.height + 2 * pad, ch = page.channels;
  const colour = borderColour(page);
  const data = Buffer.alloc(w * h * ch);
  for (let i = 0; i < w * h; i++) for (let c = 0; c < ch; c++) data[i * ch + c] = colour[c]!;
  for (let y = 0; y < page.height; y++) {
    page.data.copy(data, ((y + pad) * w + pad) * ch, y * page.width * ch, (y + 1) * page.width * ch);
  }
  return { data, width: w, height: h, channels: ch };
}

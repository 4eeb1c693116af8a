import { perspectiveTransform, quadSize, shiftQuad, type Point, type Quad } from '../../geometry/geometry';
import type { PageRaster } from '../load/load';

/** An upright text-line image, RGB, `height` rows (the recognizer's input height). */
export interface LineCrop {
  /** The page quad the crop was cut from, corners in the crop's reading order (top-left first). */
  quad: Quad;
  /** The crop's size at page resolution, after the tall-box rotation. */
  nativeWidth: number;
  nativeHeight: number;
  /** Pixels: width × height × 3 (RGB). */
  data: Uint8Array;
  width: number;
  height: number;
}

export interface CropOptions {
  /** Height of the produced crop (the recognizer's input height, 48). */
  readonly height: number;
  /** Crops at least this much taller than wide are turned 90° counter-clockwise (PaddleOCR: 1.5). */
  readonly tallRatio: number;
}

/**
 * PaddleOCR's `get_rotate_crop_image`: the crop is w = max(|p0p1|, |p2p3|) by
 * h = max(|p0p3|, |p1p2|), cut by a perspective warp with replicated borders, and turned 90°
 * counter-clockwise when h / w ≥ 1.5. The warp samples the page directly at the output height
 * (bilinear, supersampled when shrinking), so no full-resolution crop is ever built.
 */
export function cropLine(page: PageRaster, quad: Quad, options: CropOptions): LineCrop {
  let q = quad;
  let { width: w, height: h } = quadSize(q);
  if (w > 0 && h / w >= options.tallRatio) {
    q = shiftQuad(q, 1); // np.rot90: the right edge becomes the top edge
    [w, h] = [h, w];
  }
  const outH = options.height;
  const outW = Math.max(1, Math.ceil((outH * Math.max(w, 1)) / Math.max(h, 1)));
  const data = warpQuad(page, q, outW, outH);
  return { quad: q, nativeWidth: w, nativeHeight: h, data, width: outW, height: outH };
}

/** Warp the page region inside `quad` onto an outW × outH RGB image. */
export function warpQuad(page: PageRaster, quad: Quad, outW: number, outH: number): Uint8Array {
  const dst: Point[] = [[0, 0], [outW, 0], [outW, outH], [0, outH]];
  // Map output pixel centres back to the page: H maps output → page.
  const [h0, h1, h2, h3, h4, h5, h6, h7, h8] = perspectiveTransform(dst, quad) as [number, number, number, number, number, number, number, number, number];
  const { width: w, height: h } = quadSize(quad);
  const ss = Math.max(1, Math.min(4, Math.round(Math.max(w / outW, h / outH))));
  const n = ss * ss;
  const out = new Uint8Array(outW * outH * 3);
  // The pipeline's hottest JavaScript loop: the homography and the bilinear sample (pixel-centre
  // coordinates, borders replicated) written out, with no allocation per sample.
  const { width: pw, height: ph, channels, data } = page;
  const g = channels === 1 ? 0 : 1, b = channels === 1 ? 0 : 2;
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      let r0 = 0, g0 = 0, b0 = 0;
      for (let sy = 0; sy < ss; sy++) {
        const oy = y + (sy + 0.5) / ss;
        for (let sx = 0; sx < ss; sx++) {
          const ox = x + (sx + 0.5) / ss;
          const wh = h6 * ox + h7 * oy + h8;
          const u = (h0 * ox + h1 * oy + h2) / wh - 0.5;
          const v = (h3 * ox + h4 * oy + h5) / wh - 0.5;
          const cx = Math.min(Math.max(u, 0), pw - 1), cy = Math.min(Math.max(v, 0), ph - 1);
          const x0 = Math.floor(cx), y0 = Math.floor(cy);
          const x1 = Math.min(x0 + 1, pw - 1), y1 = Math.min(y0 + 1, ph - 1);
          const fx = cx - x0, fy = cy - y0;
          const i00 = (y0 * pw + x0) * channels, i01 = (y0 * pw + x1) * channels;
          const i10 = (y1 * pw + x0) * channels, i11 = (y1 * pw + x1) * channels;
          r0 += (data[i00]! * (1 - fx) + data[i01]! * fx) * (1 - fy) + (data[i10]! * (1 - fx) + data[i11]! * fx) * fy;
          g0 += (data[i00 + g]! * (1 - fx) + data[i01 + g]! * fx) * (1 - fy) + (data[i10 + g]! * (1 - fx) + data[i11 + g]! * fx) * fy;
          b0 += (data[i00 + b]! * (1 - fx) + data[i01 + b]! * fx) * (1 - fy) + (data[i10 + b]! * (1 - fx) + data[i11 + b]! * fx) * fy;
        }
      }
      const o = (y * outW + x) * 3;
      out[o] = Math.round(r0 / n);
      out[o + 1] = Math.round(g0 / n);
      out[o + 2] = Math.round(b0 / n);
    }
  }
  return out;
}

/** Turn an RGB crop by 180°. */
export function rotate180(crop: LineCrop): LineCrop {
  const { data, width, height } = crop;
  const out = new Uint8Array(data.length);
  const n = width * height;
  for (let i = 0; i < n; i++) {
    const j = n - 1 - i;
    out[j * 3] = data[i * 3]!;
    out[j * 3 + 1] = data[i * 3 + 1]!;
    out[j * 3 + 2] = data[i * 3 + 2]!;
  }
  return { ...crop, quad: shiftQuad(crop.quad, 2), data: out };
}

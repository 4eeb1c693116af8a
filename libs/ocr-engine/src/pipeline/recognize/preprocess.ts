/**
 * PaddleOCR's `resize_norm_img` for the recognizer and the orientation classifier: the crop
 * (already `height` rows) is resized to min(targetWidth, ceil(height × w / h)) columns,
 * normalised to (v / 255 − 0.5) / 0.5 in B, G, R plane order, and zero-padded on the right.
 */
export function normalizeLine(
  crop: { data: Uint8Array; width: number; height: number },
  targetWidth: number,
  out: Float32Array,
  offset: number,
): number {
  const H = crop.height;
  const resizedW = Math.min(targetWidth, Math.ceil((H * crop.width) / crop.height));
  const plane = H * targetWidth;
  if (resizedW === crop.width) {
    // The crop already has its input width (the usual case): no resampling, one pass per plane.
    for (let c = 0; c < 3; c++) {
      const src = 2 - c;
      for (let y = 0; y < H; y++) {
        const row = offset + c * plane + y * targetWidth;
        for (let x = 0; x < resizedW; x++) out[row + x] = (crop.data[(y * crop.width + x) * 3 + src]! / 255 - 0.5) / 0.5;
      }
    }
    return resizedW;
  }
  const sx = crop.width / resizedW;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < resizedW; x++) {
      // Horizontal linear resize (identity when resizedW equals the crop width).
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), crop.width - 1);
      const x0 = Math.floor(fx), x1 = Math.min(x0 + 1, crop.width - 1), t = fx - x0;
      const i0 = (y * crop.width + x0) * 3, i1 = (y * crop.width + x1) * 3;
      for (let c = 0; c < 3; c++) {
        const src = 2 - c; // plane c = B, G, R
        const v = crop.data[i0 + src]! * (1 - t) + crop.data[i1 + src]! * t;
        out[offset + c * plane + y * targetWidth + x] = (v / 255 - 0.5) / 0.5;
      }
    }
  }
  return resizedW;
}

/** The batch's input width: 48 × max(320 / 48, widest aspect ratio in the batch) (PaddleOCR). */
export function recBatchWidth(crops: readonly { width: number; height: number }[], height: number, minWidth: number): number {
  let maxRatio = minWidth / height;
  for (const c of crops) maxRatio = Math.max(maxRatio, c.width / c.height);
  return Math.trunc(height * maxRatio);
}

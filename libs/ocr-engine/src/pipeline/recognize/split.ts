/** An RGB line image (rows × columns × 3), such as a `LineCrop`. */
export interface LineImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** A piece of a line image: columns [x0, x1) copied out. */
export interface LinePiece extends LineImage {
  x0: number;
}

/**
 * Where a long line image is cut so that no piece is wider than `maxWidth` columns: each cut is the
 * middle of the widest run of blank columns (no ink) in the second half of the piece's window, so
 * that it falls between words where the line has a word gap there, and on the faintest column
 * otherwise. The recognizer's cost per column grows with the input's width (its attention spans the
 * whole line), so a 1900-column line costs about twice as much per column as a 640-column one.
 * Returns the piece boundaries `[0, c1, …, width]` and, for each, the width of the blank run it
 * was cut in (0 at the ends and for a cut through ink).
 */
export function cutPoints(line: LineImage, maxWidth: number): { bounds: number[]; blanks: number[] } {
  const { width } = line;
  if (maxWidth <= 0 || width <= maxWidth) return { bounds: [0, width], blanks: [0, 0] };
  const ink = columnInk(line);
  const cuts = [0];
  const blanks = [0];
  let start = 0;
  while (width - start > maxWidth) {
    const lo = start + Math.floor(maxWidth / 2), hi = start + maxWidth;
    let best = -1, bestRun = 0, faintest = lo, faintestInk = Infinity;
    for (let x = lo; x < hi; ) {
      if (ink[x]! < faintestInk) {
        faintestInk = ink[x]!;
        faintest = x;
      }
      if (ink[x] !== 0) {
        x++;
        continue;
      }
      let end = x;
      while (end < hi && ink[end] === 0) end++;
      if (end - x > bestRun) {
        bestRun = end - x;
        best = (x + end) >> 1;
      }
      x = end;
    }
    const cut = best > start ? best : Math.max(faintest, start + 1);
    cuts.push(cut);
    blanks.push(best > start ? bestRun : 0);
    start = cut;
  }
  cuts.push(width);
  blanks.push(0);
  return { bounds: cuts, blanks };
}

/** The columns [x0, x1) of a line image. */
export function sliceColumns(line: LineImage, x0: number, x1: number): LinePiece {
  const w = x1 - x0;
  const out = new Uint8Array(w * line.height * 3);
  for (let y = 0; y < line.height; y++) out.set(line.data.subarray((y * line.width + x0) * 3, (y * line.width + x1) * 3), y * w * 3);
  return { data: out, width: w, height: line.height, x0 };
}

/**
 * Ink pixels per column. The background is the line's bright end (its 90th percentile of grey),
 * or its dark end when most of the line is dark (light text on a dark band); a pixel is ink when it
 * differs from the background by more than a third of the line's contrast (and at least 32 levels).
 */
function columnInk(line: LineImage): Uint16Array {
  const { data, width, height } = line;
  const n = width * height;
  const grey = new Uint8Array(n);
  const hist = new Uint32Array(256);
  for (let i = 0; i < n; i++) {
    const g = (data[i * 3]! * 299 + data[i * 3 + 1]! * 587 + data[i * 3 + 2]! * 114) / 1000;
    grey[i] = g;
    hist[grey[i]!]!++;
  }
  const percentile = (p: number) => {
    let acc = 0;
    for (let v = 0; v < 256; v++) if ((acc += hist[v]!) >= p * n) return v;
    return 255;
  };
  const p10 = percentile(0.1), p50 = percentile(0.5), p90 = percentile(0.9);
  const darkBackground = p50 < (p10 + p90) / 2 - 0.25 * (p90 - p10);
  const background = darkBackground ? p10 : p90;
  const threshold = Math.max(32, (p90 - p10) / 3);
  const ink = new Uint16Array(width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) if (Math.abs(grey[y * width + x]! - background) > threshold) ink[x]!++;
  }
  return ink;
}

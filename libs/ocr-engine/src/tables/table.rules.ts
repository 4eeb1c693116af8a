import type { RasterImage } from '../engine';

/** A ruling line in page pixels: a horizontal one has y0≈y1 (its thickness), a vertical one x0≈x1. */
export interface RuleSegment {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface RuleOptions {
  /** A pixel is ink when its grey value is below this (0–255). */
  readonly darkThreshold: number;
  /** The page is shrunk (keeping the darkest pixel of each block) until its long side fits this. */
  readonly maxWorkSide: number;
  /** Shortest horizontal rule, in page pixels (the opening kernel's length). */
  readonly minHorizontal: number;
  /** Shortest vertical rule, in page pixels. */
  readonly minVertical: number;
  /** Thicker strokes are filled areas, not rules (page pixels). */
  readonly maxThickness: number;
}

export interface PageRules {
  horizontal: RuleSegment[];
  vertical: RuleSegment[];
}

/**
 * Ink mask of the page, shrunk by an integer factor with min-pooling (a block is ink when any of
 * its pixels is), so one-pixel rules survive the shrink.
 */
function inkMask(image: RasterImage, threshold: number, maxSide: number): { mask: Uint8Array; w: number; h: number; f: number } {
  const { width: W, height: H, channels: ch, data } = image;
  const f = Math.max(1, Math.ceil(Math.max(W, H) / maxSide));
  const w = Math.ceil(W / f), h = Math.ceil(H / f);
  const mask = new Uint8Array(w * h);
  const t = threshold * 1000;
  for (let y = 0; y < H; y++) {
    const row = ((y / f) | 0) * w;
    let i = y * W * ch;
    for (let x = 0; x < W; x++, i += ch) {
      const g = ch >= 3 ? data[i]! * 299 + data[i + 1]! * 587 + data[i + 2]! * 114 : data[i]! * 1000;
      if (g < t) mask[row + ((x / f) | 0)] = 1;
    }
  }
  return { mask, w, h, f };
}

interface Run {
  pos: number; // row (horizontal) or column (vertical)
  a: number;
  b: number; // inclusive extent along the run
}

/**
 * Long runs of ink along one axis (a morphological opening with a 1×L kernel keeps exactly the
 * runs of length ≥ L), grouped across neighbouring rows into segments.
 */
function segments(mask: Uint8Array, w: number, h: number, vertical: boolean, minLen: number, maxThick: number): { pos0: number; pos1: number; a: number; b: number }[] {
  const lines = vertical ? w : h, len = vertical ? h : w;
  const at = vertical ? (p: number, q: number) => mask[q * w + p]! : (p: number, q: number) => mask[p * w + q]!;
  const runs: Run[] = [];
  for (let p = 0; p < lines; p++) {
    let start = -1;
    for (let q = 0; q <= len; q++) {
      const ink = q < len && at(p, q) === 1;
      if (ink && start < 0) start = q;
      else if (!ink && start >= 0) {
        if (q - start >= minLen) runs.push({ pos: p, a: start, b: q - 1 });
        start = -1;
      }
    }
  }
  const open: { pos0: number; pos1: number; a: number; b: number }[] = [];
  const done: typeof open = [];
  for (const r of runs) {
    let joined = false;
    for (let k = open.length - 1; k >= 0; k--) {
      const s = open[k]!;
      if (s.pos1 < r.pos - 1) {
        done.push(s);
        open.splice(k, 1);
        continue;
      }
      const overlap = Math.min(s.b, r.b) - Math.max(s.a, r.a);
      if (s.pos1 === r.pos - 1 && overlap >= 0.5 * Math.min(s.b - s.a, r.b - r.a)) {
        s.pos1 = r.pos;
        s.a = Math.min(s.a, r.a);
        s.b = Math.max(s.b, r.b);
        joined = true;
        break;
      }
    }
    if (!joined) open.push({ pos0: r.pos, pos1: r.pos, a: r.a, b: r.b });
  }
  done.push(...open);
  const kept = done.filter((s) => s.pos1 - s.pos0 + 1 <= maxThick);
  // Join pieces of one rule broken by a small gap.
  kept.sort((x, y) => (x.pos0 + x.pos1) / 2 - (y.pos0 + y.pos1) / 2 || x.a - y.a);
  const merged: typeof kept = [];
  for (const s of kept) {
    const m = merged.find((t) => Math.abs((t.pos0 + t.pos1) / 2 - (s.pos0 + s.pos1) / 2) <= 1.5 && s.a <= t.b + 3 && s.b >= t.a - 3);
    if (m) {
      m.a = Math.min(m.a, s.a);
      m.b = Math.max(m.b, s.b);
      m.pos0 = Math.min(m.pos0, s.pos0);
      m.pos1 = Math.max(m.pos1, s.pos1);
    } else merged.push({ ...s });
  }
  return merged;
}

/** Horizontal and vertical ruling lines of a page (raw 8-bit pixels, 1, 3 or 4 channels). */
export function findRules(image: RasterImage, options: RuleOptions): PageRules {
  const { mask, w, h, f } = inkMask(image, options.darkThreshold, options.maxWorkSide);
  const maxThick = Math.max(2, Math.ceil(options.maxThickness / f));
  const toPage = (v: number) => v * f;
  const hs = segments(mask, w, h, false, Math.max(3, Math.round(options.minHorizontal / f)), maxThick);
  const vs = segments(mask, w, h, true, Math.max(3, Math.round(options.minVertical / f)), maxThick);
  return {
    horizontal: hs.map((s) => ({ x0: toPage(s.a), x1: toPage(s.b + 1) - 1, y0: toPage(s.pos0), y1: toPage(s.pos1 + 1) - 1 })),
    vertical: vs.map((s) => ({ x0: toPage(s.pos0), x1: toPage(s.pos1 + 1) - 1, y0: toPage(s.a), y1: toPage(s.b + 1) - 1 })),
  };
}

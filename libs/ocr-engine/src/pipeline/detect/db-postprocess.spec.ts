import { quadSize } from '../../geometry/geometry';
import { boxScoreFast, DB_DEFAULTS, dbPostprocess, unclipRect, type ProbMap } from './db-postprocess';

function map(width: number, height: number, rects: { x0: number; y0: number; x1: number; y1: number; p: number }[]): ProbMap {
  const data = new Float32Array(width * height);
  for (const r of rects) for (let y = r.y0; y <= r.y1; y++) for (let x = r.x0; x <= r.x1; x++) data[y * width + x] = r.p;
  return { data, width, height };
}

describe(dbPostprocess.name, () => {
  it('finds each text kernel and grows it by the unclip distance (area × 1.5 / perimeter)', () => {
    const m = map(200, 100, [
      { x0: 20, y0: 10, x1: 120, y1: 20, p: 0.9 },
      { x0: 30, y0: 60, x1: 90, y1: 75, p: 0.8 },
    ]);
    const boxes = dbPostprocess(m, DB_DEFAULTS).sort((a, b) => a.quad[0][1] - b.quad[0][1]);
    expect(boxes).toHaveLength(2);
    // Kernel 1 spans pixel centres 20..120 × 10..20: 100 × 10, d = 1000·1.5 / 220 ≈ 6.82.
    const d1 = (100 * 10 * 1.5) / 220;
    const s1 = quadSize(boxes[0]!.quad);
    expect(s1.width).toBeCloseTo(100 + 2 * d1, 3);
    expect(s1.height).toBeCloseTo(10 + 2 * d1, 3);
    expect(boxes[0]!.quad[0][0]).toBeCloseTo(20 - d1, 3);
    expect(boxes[0]!.quad[0][1]).toBeCloseTo(10 - d1, 3);
    expect(boxes[0]!.score).toBeCloseTo(0.9, 5);
    expect(boxes[1]!.score).toBeCloseTo(0.8, 5);
  });

  it('drops kernels whose mean probability is under box_thresh (0.6) and those thinner than min_size (3)', () => {
    const m = map(200, 100, [
      { x0: 20, y0: 10, x1: 120, y1: 20, p: 0.5 },
      { x0: 20, y0: 50, x1: 120, y1: 51, p: 0.95 },
    ]);
    expect(dbPostprocess(m, DB_DEFAULTS)).toEqual([]);
  });

  it('binarises at thresh 0.3: kernels at or under it are background', () => {
    expect(dbPostprocess(map(50, 50, [{ x0: 5, y0: 5, x1: 40, y1: 20, p: 0.29 }]), { ...DB_DEFAULTS, boxThresh: 0 })).toEqual([]);
  });

  it('fits rotated kernels with a rotated rectangle', () => {
    const width = 200, height = 200;
    const data = new Float32Array(width * height);
    const a = (20 * Math.PI) / 180;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const u = (x - 100) * Math.cos(a) + (y - 100) * Math.sin(a);
        const v = -(x - 100) * Math.sin(a) + (y - 100) * Math.cos(a);
        if (Math.abs(u) <= 60 && Math.abs(v) <= 8) data[y * width + x] = 0.9;
      }
    }
    const [box] = dbPostprocess({ data, width, height }, DB_DEFAULTS);
    const angle = Math.atan2(box!.quad[1][1] - box!.quad[0][1], box!.quad[1][0] - box!.quad[0][0]);
    expect((angle * 180) / Math.PI).toBeCloseTo(20, 0);
  });

  it('keeps at least minUnclip of margin around a thin kernel, and leaves thick kernels as PaddleOCR grows them', () => {
    const thin = map(200, 100, [{ x0: 20, y0: 10, x1: 120, y1: 13, p: 0.9 }]); // 100 × 3 between pixel centres
    const plain = quadSize(dbPostprocess(thin, DB_DEFAULTS)[0]!.quad);
    expect(plain.height).toBeCloseTo(3 + (2 * 100 * 3 * 1.5) / 206, 3); // d ≈ 2.18: a box barely taller than the text
    const floored = quadSize(dbPostprocess(thin, { ...DB_DEFAULTS, minUnclip: 4 })[0]!.quad);
    expect(floored.height).toBeCloseTo(3 + 2 * 4, 3);
    expect(floored.width).toBeCloseTo(100 + 2 * 4, 3);
    const thick = map(200, 100, [{ x0: 20, y0: 10, x1: 120, y1: 20, p: 0.9 }]);
    expect(dbPostprocess(thick, { ...DB_DEFAULTS, minUnclip: 4 })[0]!.quad).toEqual(dbPostprocess(thick, DB_DEFAULTS)[0]!.quad);
  });

  it('stops after max_candidates kernels', () => {
    const rects = Array.from({ length: 10 }, (_, i) => ({ x0: 5, y0: i * 10 + 2, x1: 60, y1: i * 10 + 7, p: 0.9 }));
    expect(dbPostprocess(map(100, 100, rects), { ...DB_DEFAULTS, maxCandidates: 4 })).toHaveLength(4);
  });
});

describe(boxScoreFast.name, () => {
  it('averages the probability inside the polygon only', () => {
    const m = map(20, 20, [{ x0: 0, y0: 0, x1: 9, y1: 19, p: 1 }]);
    expect(boxScoreFast(m, [[0, 0], [19, 0], [19, 19], [0, 19]])).toBeCloseTo(0.5, 5);
  });
});

describe(unclipRect.name, () => {
  it('grows a 100 × 20 rectangle by 12.5 on every side', () => {
    const grown = unclipRect([[0, 0], [100, 0], [100, 20], [0, 20]], 1.5);
    expect(grown[0][0]).toBeCloseTo(-12.5);
    expect(grown[0][1]).toBeCloseTo(-12.5);
    expect(grown[2][0]).toBeCloseTo(112.5);
    expect(grown[2][1]).toBeCloseTo(32.5);
  });

  it('grows by the minimum distance when the unclip distance is smaller', () => {
    const grown = unclipRect([[0, 0], [100, 0], [100, 2], [0, 2]], 1.5, 3);
    expect(grown[0][1]).toBeCloseTo(-3);
    expect(grown[2][1]).toBeCloseTo(5);
  });
});

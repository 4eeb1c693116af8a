import { normalizeLine, recBatchWidth } from './preprocess';

describe(recBatchWidth.name, () => {
  it('is 48 × the widest aspect ratio of the batch, at least 320', () => {
    expect(recBatchWidth([{ width: 100, height: 48 }], 48, 320)).toBe(320);
    expect(recBatchWidth([{ width: 100, height: 48 }, { width: 960, height: 48 }], 48, 320)).toBe(960);
  });
});

describe(normalizeLine.name, () => {
  it('normalises to (v / 255 − 0.5) / 0.5 in B, G, R planes and zero-pads on the right', () => {
    const crop = { data: new Uint8Array([255, 0, 51, 255, 0, 51]), width: 2, height: 1 };
    const W = 4;
    const out = new Float32Array(3 * W).fill(99);
    out.fill(0);
    const used = normalizeLine(crop, W, out, 0);
    expect(used).toBe(2);
    expect(out[0]).toBeCloseTo((51 / 255 - 0.5) / 0.5, 5); // B
    expect(out[W]).toBeCloseTo(-1, 5); // G = 0
    expect(out[2 * W]).toBeCloseTo(1, 5); // R = 255
    expect(out[2]).toBe(0);
    expect(out[3]).toBe(0);
  });

  it('places each row of a crop that already has its width at that row of every plane', () => {
    const crop = { data: Uint8Array.from({ length: 3 * 2 * 3 }, (_, i) => i * 10), width: 3, height: 2 };
    const W = 5;
    const out = new Float32Array(3 * 2 * W);
    expect(normalizeLine(crop, W, out, 0)).toBe(3);
    const at = (plane: number, y: number, x: number) => out[plane * 2 * W + y * W + x]!;
    const v = (y: number, x: number, channel: number) => (crop.data[(y * 3 + x) * 3 + channel]! / 255 - 0.5) / 0.5;
    for (const [y, x] of [[0, 0], [0, 2], [1, 1], [1, 2]] as const) {
      expect(at(0, y, x)).toBeCloseTo(v(y, x, 2), 6); // B
      expect(at(2, y, x)).toBeCloseTo(v(y, x, 0), 6); // R
    }
    expect(at(1, 1, 3)).toBe(0);
  });

  it('squeezes a crop wider than the target width into it', () => {
    const crop = { data: new Uint8Array(10 * 2 * 3).fill(255), width: 10, height: 2 };
    const out = new Float32Array(3 * 2 * 4);
    expect(normalizeLine(crop, 4, out, 0)).toBe(4);
    expect(Array.from(out.subarray(0, 4))).toEqual([1, 1, 1, 1]);
  });
});

import type { Quad } from '../../geometry/geometry';
import { isUpsideDown, looksTurned } from './orient';

const box = (w: number, h: number): Quad => [[0, 0], [w, 0], [w, h], [0, h]];

describe(looksTurned.name, () => {
  it('is true when most text boxes stand upright', () => {
    expect(looksTurned([box(30, 400), box(30, 350), box(28, 500), box(100, 30)])).toBe(true);
  });
  it('is false for a normal page with a few tall boxes (digits, bullets)', () => {
    expect(looksTurned([box(400, 30), box(350, 30), box(500, 30), box(10, 30), box(12, 30), box(10, 30)])).toBe(false);
  });
});

describe(isUpsideDown.name, () => {
  it('needs half the lines and at least two to read better turned', () => {
    expect(isUpsideDown(1, 1)).toBe(false);
    expect(isUpsideDown(2, 4)).toBe(true);
    expect(isUpsideDown(2, 5)).toBe(false);
  });
});

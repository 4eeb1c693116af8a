import type { Quad } from '../../geometry/geometry';
import { LINE_IMAGE_DEFAULTS, mergeLineImage } from './line-image';

const box = (x0: number, y0: number, x1: number, y1: number): Quad => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];

describe(mergeLineImage.name, () => {
  it('reads a line image broken into word fragments as one line across the page', () => {
    const fragments = [box(100, 20, 300, 80), box(420, 25, 700, 85), box(900, 18, 1100, 78)];
    expect(mergeLineImage(fragments, 1700, 120)).toEqual([box(0, 18, 1699, 85)]);
  });

  it('leaves a page with room for more lines alone', () => {
    const fragments = [box(100, 20, 300, 80), box(420, 25, 700, 85)];
    expect(mergeLineImage(fragments, 1700, 800)).toEqual(fragments);
  });

  it('leaves two rows alone, even on a short image', () => {
    const rows = [box(100, 0, 600, 40), box(100, 60, 600, 100)];
    expect(mergeLineImage(rows, 700, 100)).toEqual(rows);
  });

  it('leaves a single box, a vertical box, and merging turned off alone', () => {
    expect(mergeLineImage([box(10, 10, 500, 60)], 600, 70)).toEqual([box(10, 10, 500, 60)]);
    const withTall = [box(10, 10, 500, 60), box(520, 0, 560, 70)];
    expect(mergeLineImage(withTall, 600, 70)).toEqual(withTall);
    const fragments = [box(100, 20, 300, 80), box(420, 25, 700, 85)];
    expect(mergeLineImage(fragments, 800, 100, { ...LINE_IMAGE_DEFAULTS, maxPageLines: 0 })).toEqual(fragments);
  });
});

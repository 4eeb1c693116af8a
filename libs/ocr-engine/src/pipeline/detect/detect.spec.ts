import { orderClockwise, sortBoxes } from './detect';

describe(sortBoxes.name, () => {
  it('sorts top to bottom and swaps neighbours less than 10 px apart in y into left-to-right order', () => {
    const box = (x: number, y: number) => ({ quad: [[x, y], [x + 10, y], [x + 10, y + 5], [x, y + 5]] as const });
    const sorted = sortBoxes([box(100, 52), box(0, 50), box(50, 0), box(0, 80)] as never);
    expect(sorted.map((b: { quad: readonly (readonly number[])[] }) => b.quad[0])).toEqual([[50, 0], [0, 50], [100, 52], [0, 80]]);
  });
});

describe(orderClockwise.name, () => {
  it('orders any corner order as top-left, top-right, bottom-right, bottom-left', () => {
    expect(orderClockwise([[10, 10], [0, 10], [10, 0], [0, 0]])).toEqual([[0, 0], [10, 0], [10, 10], [0, 10]]);
  });
});

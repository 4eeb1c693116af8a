import { groupRows, xyCut, XY_CUT_DEFAULTS } from './xy-cut';

const item = (name: string, x0: number, y0: number, x1: number, y1: number) => ({ name, box: [x0, y0, x1, y1] as const });
const order = (items: ReturnType<typeof item>[]) => xyCut(items, XY_CUT_DEFAULTS).flatMap((l) => l.rows.flat().map((i) => i.name));

describe(xyCut.name, () => {
  it('reads a two-column page column by column, even when the rows line up', () => {
    const items: ReturnType<typeof item>[] = [];
    for (let r = 0; r < 5; r++) {
      items.push(item(`L${r}`, 50, 100 + r * 30, 480, 120 + r * 30));
      items.push(item(`R${r}`, 520, 100 + r * 30, 950, 120 + r * 30));
    }
    expect(order(items)).toEqual(['L0', 'L1', 'L2', 'L3', 'L4', 'R0', 'R1', 'R2', 'R3', 'R4']);
  });

  it('reads a full-width title first, then the columns under it', () => {
    const items = [item('title', 50, 20, 950, 60)];
    for (let r = 0; r < 4; r++) {
      items.push(item(`R${r}`, 520, 100 + r * 30, 950, 120 + r * 30));
      items.push(item(`L${r}`, 50, 100 + r * 30, 480, 120 + r * 30));
    }
    expect(order(items)).toEqual(['title', 'L0', 'L1', 'L2', 'L3', 'R0', 'R1', 'R2', 'R3']);
  });

  it('reads label and amount columns of a receipt row by row', () => {
    const items: ReturnType<typeof item>[] = [];
    const labels = ['SUB TOTAL', 'SERVICE CHARGE 10%', 'GST 6%', 'NET TOTAL'];
    labels.forEach((l, r) => {
      items.push(item(l, 20, 100 + r * 25, 20 + l.length * 12, 118 + r * 25));
      items.push(item(`amount${r}`, 380, 100 + r * 25, 440, 118 + r * 25));
    });
    expect(order(items)).toEqual(['SUB TOTAL', 'amount0', 'SERVICE CHARGE 10%', 'amount1', 'GST 6%', 'amount2', 'NET TOTAL', 'amount3']);
  });

  it('reads two columns whose gutter a caption crosses column by column, the caption after them and a title first', () => {
    const items = [item('title', 420, 20, 580, 50)];
    for (let r = 0; r < 12; r++) {
      items.push(item(`L${r}`, 50, 100 + r * 30, 480, 120 + r * 30));
      items.push(item(`R${r}`, 520, 100 + r * 30, 950, 120 + r * 30));
    }
    // A two-line caption set across the gutter, in the middle of the page.
    items.push(item('cap0', 400, 480, 600, 495), item('cap1', 410, 500, 590, 515));
    const names = order(items);
    expect(names[0]).toBe('title');
    expect(names.slice(1, 13)).toEqual(Array.from({ length: 12 }, (_, r) => `L${r}`));
    expect(names.slice(13, 25)).toEqual(Array.from({ length: 12 }, (_, r) => `R${r}`));
    expect(names.slice(25)).toEqual(['cap0', 'cap1']);
  });

  it('does not cut a page into columns where a full-width line crosses the gutter between their rows', () => {
    const items: ReturnType<typeof item>[] = [];
    for (let r = 0; r < 12; r++) {
      items.push(item(`L${r}`, 50, 100 + r * 30, 480, 120 + r * 30));
      items.push(item(`R${r}`, 520, 100 + r * 30, 950, 120 + r * 30));
    }
    items.push(item('wide', 50, 290, 950, 305)); // no clear horizontal gap around it either
    expect(order(items).slice(0, 2)).toEqual(['L0', 'R0']);
  });

  it('tags each leaf with its column', () => {
    const items: ReturnType<typeof item>[] = [];
    for (let r = 0; r < 3; r++) {
      items.push(item(`L${r}`, 50, 100 + r * 30, 480, 120 + r * 30));
      items.push(item(`R${r}`, 520, 100 + r * 30, 950, 120 + r * 30));
    }
    const leaves = xyCut(items, XY_CUT_DEFAULTS);
    expect(new Set(leaves.map((l) => l.column)).size).toBe(2);
  });
});

describe(groupRows.name, () => {
  it('puts boxes that overlap vertically by half their height on one row, left to right', () => {
    const rows = groupRows([item('b', 200, 12, 300, 32), item('a', 0, 10, 100, 30), item('c', 0, 40, 100, 60)]);
    expect(rows.map((r) => r.map((i) => i.name))).toEqual([['a', 'b'], ['c']]);
  });
});

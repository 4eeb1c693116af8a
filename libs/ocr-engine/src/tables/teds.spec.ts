import { levenshtein, parseHtml, teds, TedsError, treeEditDistance, type TedsNode } from './teds';

const n = (tag: string, ...children: TedsNode[]): TedsNode => ({ tag, children });
const byTag = (a: TedsNode, b: TedsNode) => (a.tag === b.tag ? 0 : 1);
const table = (rows: string[][], attrs: (r: number, c: number) => string = () => '') =>
  `<table>${rows.map((r, i) => `<tr>${r.map((c, j) => `<td${attrs(i, j)}>${c}</td>`).join('')}</tr>`).join('')}</table>`;

describe('treeEditDistance', () => {
  it('is 0 between identical trees', () => {
    const t = n('f', n('d', n('a'), n('c', n('b'))), n('e'));
    expect(treeEditDistance(t, t, byTag)).toBe(0);
  });

  it('counts one deletion for a missing leaf', () => {
    expect(treeEditDistance(n('a', n('b'), n('c')), n('a', n('b')), byTag)).toBe(1);
  });

  it('matches the Zhang–Shasha paper example (distance 2)', () => {
    // f(d(a, c(b)), e) → f(c(d(a, b)), e): delete c under d, insert c above d.
    const a = n('f', n('d', n('a'), n('c', n('b'))), n('e'));
    const b = n('f', n('c', n('d', n('a'), n('b'))), n('e'));
    expect(treeEditDistance(a, b, byTag)).toBe(2);
  });

  it('prefers a rename (1) to a delete plus an insert (2)', () => {
    expect(treeEditDistance(n('r', n('x')), n('r', n('y')), byTag)).toBe(1);
  });

  it('handles whole subtrees inserted', () => {
    expect(treeEditDistance(n('r'), n('r', n('a', n('b'), n('c'))), byTag)).toBe(3);
  });
});

describe('levenshtein', () => {
  it('counts token edits', () => {
    expect(levenshtein(Array.from('kitten'), Array.from('sitting'))).toBe(3);
    expect(levenshtein([], ['a', 'b'])).toBe(2);
    expect(levenshtein(['<b>', 'x', '</b>'], ['x'])).toBe(2);
  });
});

describe('parseHtml', () => {
  it('reads nested tags, attributes and entities', () => {
    const root = parseHtml('<table><tr><td colspan="2">a &amp; b &lt;c&gt;</td></tr></table>');
    const td = (((root.children[0] as any).children[0] as any).children[0]) as any;
    expect(td.tag).toBe('td');
    expect(td.attrs.colspan).toBe('2');
    expect(td.children).toEqual(['a & b <c>']);
  });
});

describe('teds', () => {
  const truth = table([['a', 'b'], ['c', 'd']]);

  it('gives 1 for identical tables', () => {
    expect(teds(truth, truth)).toBe(1);
    const big = `<html><body><table><thead><tr><td><b>H</b></td><td colspan="2">x</td></tr></thead><tbody>${table([['1', '2', '3']]).slice(7, -8)}</tbody></table></body></html>`;
    expect(teds(big, big)).toBe(1);
  });

  it('costs one node for a missing cell (6 nodes: 2 rows, 4 cells)', () => {
    const pred = '<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>';
    expect(teds(pred, truth)).toBeCloseTo(1 - 1 / 6, 10);
  });

  it('costs the normalised Levenshtein distance for a misread cell', () => {
    const pred = table([['a', 'b'], ['c', 'de']]);
    expect(teds(pred, truth)).toBeCloseTo(1 - 0.5 / 6, 10);
    expect(teds(pred, truth, { structureOnly: true })).toBe(1);
  });

  it('compares inline markup as tokens and counts its elements', () => {
    // tokens [<b>, x, </b>] vs [x]: 2/3; nodes: tr, td, b = 3.
    expect(teds('<table><tr><td>x</td></tr></table>', '<table><tr><td><b>x</b></td></tr></table>')).toBeCloseTo(1 - 2 / 3 / 3, 10);
  });

  it('renames at full cost when spans differ', () => {
    const pred = '<table><tr><td colspan="2">a</td></tr><tr><td>c</td><td>d</td></tr></table>';
    const gt = '<table><tr><td>a</td><td></td></tr><tr><td>c</td><td>d</td></tr></table>';
    // rename td(colspan 2) → td: 1, insert the empty td: 1; 6 nodes in the truth.
    expect(teds(pred, gt)).toBeCloseTo(1 - 2 / 6, 10);
  });

  it('is 0 when a side has no table, and refuses non-strings', () => {
    expect(teds('<p>no table</p>', truth)).toBe(0);
    expect(teds('', truth)).toBe(0);
    expect(() => teds(undefined as unknown as string, truth)).toThrow(TedsError);
  });
});

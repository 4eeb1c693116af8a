import type { Point, Quad } from '../../geometry/geometry';
import { rotatePoint } from '../../geometry/geometry';
import { assemble, textAngle, type AssemblyLine } from './assemble';

function line(text: string, x0: number, y0: number, x1: number, y1: number, confidence = 0.95): AssemblyLine {
  const quad: Quad = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
  const words = text.split(' ');
  const step = (x1 - x0) / words.length;
  return {
    quad,
    text,
    confidence,
    words: words.map((w, i) => ({ text: w, confidence, quad: [[x0 + i * step, y0], [x0 + (i + 1) * step, y0], [x0 + (i + 1) * step, y1], [x0 + i * step, y1]] })),
  };
}

const turn = (l: AssemblyLine, angle: number, centre: Point = [500, 500]): AssemblyLine => {
  const r = (p: Point): Point => {
    const q = rotatePoint([p[0] - centre[0], p[1] - centre[1]], angle);
    return [q[0] + centre[0], q[1] + centre[1]];
  };
  return { ...l, quad: l.quad.map(r) as unknown as Quad, words: l.words.map((w) => ({ ...w, quad: w.quad.map(r) as unknown as Quad })) };
};

describe(assemble.name, () => {
  const page = [
    line('A Tall Heading', 100, 40, 700, 100),
    line('The first paragraph starts here and', 100, 140, 900, 170),
    line('goes on for a second line.', 100, 176, 700, 206),
    line('A second paragraph after a gap.', 100, 260, 850, 290),
    line('• first item', 120, 330, 400, 360),
    line('• second item', 120, 366, 420, 396),
  ];

  it('groups lines into heading, paragraphs and a list, in reading order', () => {
    const sut = assemble(page);
    expect(sut.blocks.map((b) => b.kind)).toEqual(['heading', 'paragraph', 'paragraph', 'list', 'list']);
    expect(sut.markdown).toBe(
      '# A Tall Heading\n\nThe first paragraph starts here and goes on for a second line.\n\nA second paragraph after a gap.\n\n- first item\n- second item',
    );
    expect(sut.text.split('\n').filter(Boolean)).toEqual(page.map((l) => l.text));
  });

  it('gives every block, line and word a page-pixel bbox and a confidence', () => {
    const sut = assemble(page);
    expect(sut.blocks[1]!.bbox).toEqual([100, 140, 900, 206]);
    expect(sut.blocks[1]!.lines[0]!.words[0]).toEqual({ text: 'The', bbox: [100, 140, 233, 170], confidence: 0.95 });
  });

  it('weights the mean confidence by characters', () => {
    const sut = assemble([line('aaaaaaaaa', 0, 0, 300, 30, 0.9), line('b', 0, 40, 30, 70, 0.5)]);
    expect(sut.meanConfidence).toBeCloseTo((9 * 0.9 + 0.5) / 10, 4);
  });

  it('merges boxes on one row into one line', () => {
    const sut = assemble([line('TOTAL', 20, 100, 120, 120), line('12.00', 380, 101, 440, 121), line('CASH', 20, 130, 100, 150), line('20.00', 380, 131, 440, 151)]);
    expect(sut.blocks.flatMap((b) => b.lines.map((l) => l.text))).toEqual(['TOTAL 12.00', 'CASH 20.00']);
  });

  it('reads a skewed page in the same order as the straight one', () => {
    const skewed = assemble(page.map((l) => turn(l, (4 * Math.PI) / 180)));
    expect(skewed.text).toBe(assemble(page).text);
    expect((skewed.angle * 180) / Math.PI).toBeCloseTo(4, 1);
  });

  it('reads a page turned by 90° in the same order as the upright one', () => {
    const turned = assemble(page.map((l) => turn(l, Math.PI / 2)));
    expect(turned.text).toBe(assemble(page).text);
  });

  it('returns an empty page for no lines', () => {
    expect(assemble([])).toMatchObject({ blocks: [], text: '', markdown: '', meanConfidence: 0 });
  });
});

describe(textAngle.name, () => {
  it('is the median direction of the long boxes', () => {
    const q = (a: number): Quad => {
      const r = (p: Point) => rotatePoint(p, a);
      return [r([0, 0]), r([100, 0]), r([100, 10]), r([0, 10])];
    };
    expect(textAngle([q(0.02), q(0.03), q(0.5)])).toBeCloseTo(0.03, 5);
  });
});

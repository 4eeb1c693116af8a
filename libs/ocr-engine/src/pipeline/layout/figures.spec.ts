import type { BBox } from '@ocr/documents';
import sharp from 'sharp';
import type { RasterImage } from '../../engine';
import { findFigures } from './figures';

const W = 1000, H = 1400;

/** Lines of DejaVu text, 24 px type, and the boxes a detector would give them. */
function text(rows: { x: number; y: number; s: string }[]): { svg: string; boxes: BBox[] } {
  return {
    svg: rows.map((r) => `<text x="${r.x}" y="${r.y}" font-family="DejaVu Sans" font-size="24" fill="#111">${r.s}</text>`).join(''),
    boxes: rows.map((r) => [r.x - 6, r.y - 26, r.x + 14 * r.s.length + 6, r.y + 8] as BBox),
  };
}

async function render(body: string): Promise<RasterImage> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="100%" height="100%" fill="white"/>${body}</svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels as 3 };
}

const paragraph = (y0: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({ x: 100, y: y0 + i * 36, s: `Line ${i + 1} of a plain paragraph, set in DejaVu Sans.` }));

/** A small chart: axes, bars, a curve and a filled disc. */
const drawing = `<g stroke="#222" stroke-width="3" fill="none">
  <line x1="200" y1="500" x2="200" y2="900"/><line x1="200" y1="900" x2="800" y2="900"/>
  <polyline points="220,860 320,700 420,760 520,600 620,640 760,520"/></g>
  <rect x="260" y="780" width="60" height="120" fill="#555"/><rect x="400" y="700" width="60" height="200" fill="#777"/>
  <rect x="540" y="650" width="60" height="250" fill="#333"/><circle cx="700" cy="620" r="70" fill="#888"/>`;

describe(findFigures.name, () => {
  it('finds a drawn figure between paragraphs, and only it', async () => {
    const t = text([...paragraph(150, 8), ...paragraph(1000, 6)]);
    const image = await render(t.svg + drawing);
    const sut = findFigures(image, t.boxes, []);
    expect(sut).toHaveLength(1);
    const [x0, y0, x1, y1] = sut[0]!;
    expect(x0).toBeLessThanOrEqual(230); // the axes are ruling lines, blanked; the curve starts at 220
    expect(y0).toBeLessThanOrEqual(550);
    expect(x1).toBeGreaterThanOrEqual(770);
    expect(y1).toBeGreaterThanOrEqual(880);
    expect(x0).toBeGreaterThan(150);
    expect(y1).toBeLessThan(960);
  });

  it('finds no figure on a page of text, with rules and a framed box', async () => {
    const t = text([...paragraph(150, 14), ...paragraph(800, 12)]);
    const rules = `<line x1="100" y1="700" x2="900" y2="700" stroke="#000" stroke-width="2"/>
      <rect x="80" y="760" width="840" height="460" fill="none" stroke="#000" stroke-width="3"/>`;
    const image = await render(t.svg + rules);
    expect(findFigures(image, t.boxes, [])).toEqual([]);
  });

  it('takes a dark scan border at the page edge for no figure', async () => {
    const t = text(paragraph(150, 20));
    const image = await render(`${t.svg}<rect x="0" y="0" width="60" height="${H}" fill="#000"/><rect x="0" y="${H - 50}" width="${W}" height="50" fill="#222"/>`);
    expect(findFigures(image, t.boxes, [])).toEqual([]);
  });

  it('ignores ink inside the excluded regions (a table)', async () => {
    const t = text(paragraph(150, 8));
    const image = await render(t.svg + drawing);
    expect(findFigures(image, t.boxes, [[180, 480, 820, 920]])).toEqual([]);
  });
});

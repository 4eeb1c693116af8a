import sharp from 'sharp';

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A word drawn on a test page: its text and the box (pixels) the test gives it in the job. */
export interface DrawnWord {
  text: string;
  bbox: [number, number, number, number];
}

/**
 * A page image as the workers store it (JPEG, quality 85) with the given words drawn in black
 * DejaVu Sans by librsvg (Debian fonts-dejavu-core), each word starting at its box's left edge
 * (right edge for right-to-left text) on the box's baseline. `dpi` goes into the JFIF header.
 */
export async function drawPage(width: number, height: number, words: readonly DrawnWord[], options: { dpi?: number; noise?: boolean } = {}): Promise<Buffer> {
  const texts = words
    .map(({ text, bbox: [x0, y0, x1, y1] }) => {
      const size = Math.round((y1 - y0) * 0.8);
      const rtl = /[\u0590-\u08ff]/.test(text);
      return `<text x="${rtl ? x1 : x0}" y="${Math.round(y1 - (y1 - y0) * 0.2)}" font-family="DejaVu Sans" font-size="${size}" ${rtl ? 'text-anchor="end" direction="rtl"' : ''} textLength="${x1 - x0}" lengthAdjust="spacingAndGlyphs" fill="#000">${escapeXml(text)}</text>`;
    })
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/>${texts}</svg>`;
  let image = sharp(Buffer.from(svg)).flatten({ background: '#fff' });
  if (options.noise) {
    // Paper-like grain, so the JPEG's size is that of a scan rather than of a blank page.
    const grain = await sharp({ create: { width, height, channels: 3, background: '#f4f1ea', noise: { type: 'gaussian', mean: 235, sigma: 18 } } }).png().toBuffer();
    image = sharp(await image.png().toBuffer()).composite([{ input: grain, blend: 'multiply' }]);
  }
  return image
    .removeAlpha()
    .jpeg({ quality: 85 })
    .withMetadata(options.dpi ? { density: options.dpi } : {})
    .toBuffer();
}

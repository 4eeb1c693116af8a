import sharp from 'sharp';
import type { RasterImage } from '../src/engine';

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Black text lines on white, rendered by librsvg with DejaVu Sans (Debian fonts-dejavu-core):
 * a page image for tests, one RGB raster. Pango lays out right-to-left runs itself.
 */
export async function renderText(lines: readonly string[], options: { fontSize?: number; width?: number } = {}): Promise<RasterImage> {
  const fontSize = options.fontSize ?? 40;
  const width = options.width ?? 1400;
  const lineHeight = Math.round(fontSize * 1.6);
  const height = lineHeight * (lines.length + 1);
  const texts = lines
    .map((line, i) => `<text x="60" y="${lineHeight * (i + 1)}" font-family="DejaVu Sans" font-size="${fontSize}" fill="#000">${escapeXml(line)}</text>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/>${texts}</svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).flatten({ background: '#fff' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels as 3 };
}

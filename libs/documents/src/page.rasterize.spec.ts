import sharp from 'sharp';
import {
  A4,
  bmpImage,
  bombPng,
  encryptedPdf,
  manyPagesPdf,
  meanInBox,
  multiPageImage,
  pixelAt,
  scannedPdf,
  solidImage,
  textPdf,
} from '../test/document.fixtures';
import { DocumentError } from './document.error';
import { rasterizePage } from './page.rasterize';

async function failure(promise: Promise<unknown>): Promise<DocumentError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DocumentError);
  return error as DocumentError;
}

const PARAGRAPH = 'The quarterly report shows revenue of 1,250,000 dollars and costs of 800,000 dollars.';

describe(rasterizePage.name, () => {
  describe('images', () => {
    it('decodes a PNG to 8-bit RGB at its own size', async () => {
      const sut = await rasterizePage(await solidImage('png', 120, 80, '#336699'), 0);
      expect(sut.image).toMatchObject({ width: 120, height: 80, channels: 3 });
      expect(sut.image.data.length).toBe(120 * 80 * 3);
      expect(pixelAt(sut.image, 60, 40)).toEqual([0x33, 0x66, 0x99]);
      expect(sut.source).toBe('ocr');
    });

    it('decodes only the requested page of a multi-page TIFF, GIF and WEBP', async () => {
      for (const format of ['tiff', 'gif', 'webp'] as const) {
        const file = await multiPageImage(format, 40, 30);
        const green = await rasterizePage(file, 1);
        const blue = await rasterizePage(file, 2);
        expect(green.image).toMatchObject({ width: 40, height: 30, channels: 3 });
        const [r, g, b] = pixelAt(green.image, 20, 15);
        expect(g).toBeGreaterThan(200);
        expect(r + b).toBeLessThan(60);
        expect(pixelAt(blue.image, 20, 15)[2]).toBeGreaterThan(200);
      }
    });

    it('applies EXIF orientation', async () => {
      const jpeg = await sharp({ create: { width: 300, height: 100, channels: 3, background: '#888888' } })
        .jpeg()
        .withMetadata({ orientation: 6 })
        .toBuffer();
      const sut = await rasterizePage(jpeg, 0);
      expect([sut.image.width, sut.image.height]).toEqual([100, 300]);
    });

    it('flattens transparency on white', async () => {
      const transparent = await sharp({ create: { width: 10, height: 10, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
        .png()
        .toBuffer();
      const sut = await rasterizePage(transparent, 0);
      expect(pixelAt(sut.image, 5, 5)).toEqual([255, 255, 255]);
    });

    it('turns greyscale into RGB', async () => {
      const grey = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#808080' } }).greyscale().png().toBuffer();
      const sut = await rasterizePage(grey, 0);
      expect(sut.image.channels).toBe(3);
      expect(sut.image.data.length).toBe(300);
    });

    it('reports the resolution a file declares', async () => {
      const png = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#fff' } }).withMetadata({ density: 200 }).png().toBuffer();
      expect((await rasterizePage(png, 0)).dpi).toBeCloseTo(200, 0);
    });

    it('decodes a BMP (which sharp cannot) with its rows the right way up', async () => {
      const sut = await rasterizePage(bmpImage(64, 32), 0);
      expect(sut.image).toMatchObject({ width: 64, height: 32, channels: 3 });
      expect(pixelAt(sut.image, 5, 5)).toEqual([0, 0, 0]);
      expect(pixelAt(sut.image, 60, 5)).toEqual([255, 255, 255]);
    });

    it('shrinks an image past the pixel cap and keeps its shape', async () => {
      const sut = await rasterizePage(await solidImage('png', 2000, 1000), 0, { maxPixels: 500_000 });
      expect(sut.image.width * sut.image.height).toBeLessThanOrEqual(500_000);
      expect(sut.image.width / sut.image.height).toBeCloseTo(2, 1);
    });

    it('refuses a decompression bomb before decoding it', async () => {
      const error = await failure(rasterizePage(bombPng(), 0));
      expect(error.code).toBe('too_many_pixels');
    });

    it('refuses a page that does not exist', async () => {
      expect((await failure(rasterizePage(await multiPageImage('tiff'), 3))).code).toBe('page_out_of_range');
      expect((await failure(rasterizePage(await solidImage('png', 5, 5), 1))).code).toBe('page_out_of_range');
    });

    it('refuses a cut JPEG as truncated', async () => {
      const jpeg = await sharp({ create: { width: 400, height: 400, channels: 3, background: '#123456' } })
        .composite([{ input: await solidImage('png', 100, 100, '#fedcba'), left: 50, top: 50 }])
        .jpeg()
        .toBuffer();
      expect((await failure(rasterizePage(jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), 0))).code).toBe('truncated');
    });

    it('refuses text and empty input', async () => {
      expect((await failure(rasterizePage(Buffer.from('plain text pretending to be a png'), 0))).code).toBe('unsupported_type');
      expect((await failure(rasterizePage(Buffer.alloc(0), 0))).code).toBe('empty');
    });
  });

  describe('PDF', () => {
    it('renders a letter page at 300 dpi: 2550×3300', async () => {
      const sut = await rasterizePage(await textPdf([[{ text: PARAGRAPH, x: 72, y: 700, size: 11 }]]), 0);
      expect(sut.dpi).toBe(300);
      expect(sut.image).toMatchObject({ width: 2550, height: 3300, channels: 3 });
      expect(sut.image.data.length).toBe(2550 * 3300 * 3);
    });

    it('renders an A4 page at 300 dpi: 2480×3508', async () => {
      const sut = await rasterizePage(await textPdf([[{ text: PARAGRAPH, x: 72, y: 700, size: 11 }]], A4), 0);
      expect([sut.image.width, sut.image.height]).toEqual([2480, 3508]);
    });

    it('caps the long side of a poster-sized page', async () => {
      const sut = await rasterizePage(await textPdf([[{ text: PARAGRAPH, x: 72, y: 700, size: 40 }]], [2000, 3000]), 0);
      expect(Math.max(sut.image.width, sut.image.height)).toBeLessThanOrEqual(4000);
      expect(sut.dpi).toBeCloseTo(96, 0);
    });

    it('renders a 96 ppi scan near its own resolution (the 150 dpi floor), not at 300', async () => {
      const sut = await rasterizePage(await scannedPdf({ pxWidth: 816, pxHeight: 1056 }), 0);
      expect(sut.dpi).toBeCloseTo(150, 1);
      expect([sut.image.width, sut.image.height]).toEqual([1275, 1650]);
      expect(sut.source).toBe('ocr');
      expect(sut.textLayer).toBeUndefined();
      // The scan's black text is in the raster.
      expect(meanInBox(sut.image, [0, 0, sut.image.width, sut.image.height])).toBeLessThan(254);
    });

    it('does not shrink a page to the resolution of a low-resolution picture covering it (24 ppi → 150 dpi)', async () => {
      const sut = await rasterizePage(await scannedPdf({ pxWidth: 204, pxHeight: 264 }), 0);
      expect(sut.dpi).toBeCloseTo(150, 1);
    });

    it('renders a 300 ppi scan at 300 dpi', async () => {
      const sut = await rasterizePage(await scannedPdf({ pxWidth: 2550, pxHeight: 3300 }), 0);
      expect(sut.dpi).toBeCloseTo(300, 0);
    });

    it('renders only the requested page of a long PDF', async () => {
      const pdf = await manyPagesPdf(20);
      const sut = await rasterizePage(pdf, 13);
      expect(sut.index).toBe(13);
      expect(sut.textLayer?.text).toContain('page number 14 of');
    });

    it('uses the text layer of a born-digital page', async () => {
      const sut = await rasterizePage(await textPdf([[{ text: PARAGRAPH, x: 72, y: 700, size: 11 }]]), 0);
      expect(sut.source).toBe('text-layer');
      expect(sut.textLayer?.text).toBe(PARAGRAPH);
      expect(sut.imageRegions).toBeUndefined();
    });

    it('OCRs a scan with an invisible OCR text layer, saying why', async () => {
      const sut = await rasterizePage(await scannedPdf({ invisibleText: `${PARAGRAPH} ${PARAGRAPH}` }), 0);
      expect(sut.source).toBe('ocr');
      expect(sut.textLayer).toBeUndefined();
      expect(sut.textLayerRejected).toMatch(/invisibl/);
      expect(sut.imageRegions).toEqual([[0, 0, 1275, 1650]]);
    });

    it('OCRs a page whose text layer is too short to be its text', async () => {
      const sut = await rasterizePage(await textPdf([[{ text: 'p. 3', x: 500, y: 40, size: 9 }]]), 0);
      expect(sut.source).toBe('ocr');
    });

    it('reports ocr for every page when text layers are not wanted', async () => {
      const sut = await rasterizePage(await textPdf([[{ text: PARAGRAPH, x: 72, y: 700, size: 11 }]]), 0, { textLayer: false });
      expect(sut.source).toBe('ocr');
      expect(sut.textLayer).toBeUndefined();
    });

    it('refuses a page past the end', async () => {
      expect((await failure(rasterizePage(await manyPagesPdf(2), 2))).code).toBe('page_out_of_range');
    });

    it('refuses encrypted, cut and damaged PDFs with typed errors', async () => {
      expect((await failure(rasterizePage(encryptedPdf('secret'), 0))).code).toBe('encrypted');
      const pdf = await manyPagesPdf(3);
      expect((await failure(rasterizePage(pdf.subarray(0, pdf.length >> 1), 0))).code).toBe('truncated');
      expect((await failure(rasterizePage(Buffer.from('%PDF-1.4\nnothing here at all\n%%EOF\n'), 0))).code).toBe('corrupt');
    });

    it('gives up with a timeout error instead of hanging', async () => {
      const error = await failure(rasterizePage(await manyPagesPdf(1), 0, { timeoutMs: 1 }));
      expect(error.code).toBe('timeout');
    });
  });
});

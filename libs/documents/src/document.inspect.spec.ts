import sharp from 'sharp';
import {
  bmpImage,
  bombPng,
  encryptedPdf,
  manyPagesPdf,
  multiPageImage,
  scannedPdf,
  solidImage,
  textPdf,
} from '../test/document.fixtures';
import { DocumentError } from './document.error';
import { type DocumentLimits, inspectDocument } from './document.inspect';

const limits: DocumentLimits = { maxPages: 50, maxPixels: 100_000_000, maxBytes: 20 * 1024 * 1024 };

async function failure(promise: Promise<unknown>): Promise<DocumentError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DocumentError);
  return error as DocumentError;
}

describe(inspectDocument.name, () => {
  it('reads a PNG: type, MIME, one page and its size', async () => {
    const sut = await inspectDocument(await solidImage('png', 300, 200), limits);
    expect(sut).toEqual({ type: 'png', mime: 'image/png', page_count: 1, pages: [{ width: 300, height: 200, unit: 'px' }] });
  });

  it('reports a JPEG with EXIF orientation 6 at its displayed size', async () => {
    const jpeg = await sharp({ create: { width: 300, height: 100, channels: 3, background: '#888' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const sut = await inspectDocument(jpeg, limits);
    expect(sut.pages).toEqual([{ width: 100, height: 300, unit: 'px' }]);
  });

  it.each(['tiff', 'gif', 'webp'] as const)('counts the pages of a multi-page %s without decoding them', async (format) => {
    const sut = await inspectDocument(await multiPageImage(format, 40, 30), limits);
    expect(sut.page_count).toBe(3);
    expect(sut.pages).toEqual(Array.from({ length: 3 }, () => ({ width: 40, height: 30, unit: 'px' })));
  });

  it('reads a BMP from its header', async () => {
    const sut = await inspectDocument(bmpImage(64, 32), limits);
    expect(sut).toMatchObject({ type: 'bmp', mime: 'image/bmp', page_count: 1, pages: [{ width: 64, height: 32 }] });
  });

  it('counts the pages of a PDF and gives their sizes in points', async () => {
    const pdf = await manyPagesPdf(7);
    const sut = await inspectDocument(pdf, limits);
    expect(sut).toMatchObject({ type: 'pdf', mime: 'application/pdf', page_count: 7, encrypted: false });
    expect(sut.pages).toHaveLength(7);
    expect(sut.pages![0]).toEqual({ width: 612, height: 792, unit: 'pt' });
  });

  it('finds a mislabelled file by its bytes: a PDF is a PDF whatever its name', async () => {
    const sut = await inspectDocument(await scannedPdf(), limits);
    expect(sut.type).toBe('pdf');
  });

  it('refuses text dressed up as a PNG', async () => {
    const error = await failure(inspectDocument(Buffer.from('this is not an image, it is invoice.png'), limits));
    expect(error.code).toBe('unsupported_type');
  });

  it('refuses an empty file', async () => {
    expect((await failure(inspectDocument(Buffer.alloc(0), limits))).code).toBe('empty');
  });

  it('refuses a file over the byte limit, naming the limit', async () => {
    const error = await failure(inspectDocument(await solidImage('png', 200, 200), { ...limits, maxBytes: 100 }));
    expect(error.code).toBe('too_large');
  });

  it('refuses a PDF with more pages than the cap, naming the cap', async () => {
    const error = await failure(inspectDocument(await manyPagesPdf(12), { ...limits, maxPages: 10 }));
    expect(error.code).toBe('too_many_pages');
    expect(error.message).toContain('12 pages');
    expect(error.message).toContain('limit is 10 pages');
  });

  it('refuses a multi-page TIFF with more pages than the cap', async () => {
    const error = await failure(inspectDocument(await multiPageImage('tiff'), { ...limits, maxPages: 2 }));
    expect(error.code).toBe('too_many_pages');
  });

  it('refuses a decompression bomb from its header (50000×50000 PNG of a few KB)', async () => {
    const bomb = bombPng();
    expect(bomb.length).toBeLessThan(100_000);
    const error = await failure(inspectDocument(bomb, limits));
    expect(error.code).toBe('too_many_pixels');
    expect(error.message).toContain('50000×50000');
  });

  it('refuses a password-protected PDF with a clear message', async () => {
    const error = await failure(inspectDocument(encryptedPdf('secret'), limits));
    expect(error.code).toBe('encrypted');
    expect(error.message).toMatch(/password-protected/);
  });

  it('reads a PDF that is encrypted for permissions only, and says so', async () => {
    const sut = await inspectDocument(encryptedPdf(''), limits);
    expect(sut).toMatchObject({ type: 'pdf', page_count: 1, encrypted: true });
  });

  it('refuses a cut PDF as truncated, without crashing', async () => {
    const pdf = await manyPagesPdf(5);
    const error = await failure(inspectDocument(pdf.subarray(0, Math.floor(pdf.length / 2)), limits));
    expect(error.code).toBe('truncated');
  });

  it('refuses a damaged PDF as corrupt', async () => {
    const junk = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> garbage garbage\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    const error = await failure(inspectDocument(junk, limits));
    expect(error.code).toBe('corrupt');
  });

  it('refuses a cut PNG and a cut JPEG as truncated', async () => {
    const png = await solidImage('png', 300, 300);
    const jpeg = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#123456' } })
      .composite([{ input: await solidImage('png', 100, 100, '#fedcba'), left: 50, top: 50 }])
      .jpeg()
      .toBuffer();
    expect((await failure(inspectDocument(png.subarray(0, png.length - 20), limits))).code).toBe('truncated');
    expect((await failure(inspectDocument(jpeg.subarray(0, Math.floor(jpeg.length * 0.7)), limits))).code).toBe('truncated');
  });

  it('refuses an image whose header is damaged as corrupt', async () => {
    const png = await solidImage('png', 50, 50);
    const damaged = Buffer.concat([png.subarray(0, 8), Buffer.alloc(40, 0x41), png.subarray(48)]);
    expect((await failure(inspectDocument(damaged, limits))).code).toBe('corrupt');
  });

  it('reads a text PDF with a text layer without rendering it', async () => {
    const pdf = await textPdf([[{ text: 'Hello', x: 72, y: 700, size: 12 }], [{ text: 'World', x: 72, y: 700, size: 12 }]]);
    const sut = await inspectDocument(pdf, limits);
    expect(sut.page_count).toBe(2);
  });
});

import { bmpImage, multiPageImage, solidImage, textPdf } from '../test/document.fixtures';
import { mimeTypeOf, sniffType } from './document-type.sniff';

describe(sniffType.name, () => {
  it.each(['png', 'jpeg', 'webp', 'gif', 'tiff'] as const)('finds %s from its bytes', async (format) => {
    expect(sniffType(await solidImage(format, 20, 10))).toBe(format);
  });

  it('finds BMP and PDF', async () => {
    expect(sniffType(bmpImage(8, 4))).toBe('bmp');
    expect(sniffType(await textPdf([[{ text: 'hi', x: 10, y: 10, size: 10 }]]))).toBe('pdf');
  });

  it('finds a multi-page TIFF as tiff', async () => {
    expect(sniffType(await multiPageImage('tiff'))).toBe('tiff');
  });

  it('finds a PDF whose header follows some leading junk', async () => {
    const pdf = await textPdf([[{ text: 'hi', x: 10, y: 10, size: 10 }]]);
    expect(sniffType(Buffer.concat([Buffer.from('\r\n\r\nJUNK'), pdf]))).toBe('pdf');
  });

  it('refuses text, zip, SVG, HEIC-like and empty input, whatever they are called', () => {
    expect(sniffType(Buffer.from('hello, this text file was uploaded as invoice.png\n'))).toBeNull();
    expect(sniffType(Buffer.from('BM but then just text that starts like a bitmap'))).toBeNull();
    expect(sniffType(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]))).toBeNull();
    expect(sniffType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toBeNull();
    expect(sniffType(Buffer.from('\0\0\0\x18ftypheic\0\0\0\0', 'latin1'))).toBeNull();
    expect(sniffType(Buffer.alloc(0))).toBeNull();
  });

  it('gives each type its MIME type', () => {
    expect(mimeTypeOf('jpeg')).toBe('image/jpeg');
    expect(mimeTypeOf('pdf')).toBe('application/pdf');
    expect(mimeTypeOf('tiff')).toBe('image/tiff');
  });
});

import { drawPage, DrawnWord } from '../testing/page-image.fixture';
import { iou, readPdf } from '../testing/pdf-tools.fixture';
import { readJpegInfo } from './jpeg';
import { num, pageContent, PdfPage, PdfWord, utf16Hex, writeSearchablePdf } from './pdf.writer';

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}

/** The words as the writer takes them: pixel boxes turned into points (origin bottom left). */
function toPdfWords(words: readonly DrawnWord[], height: number, scale: number): PdfWord[] {
  return words.map((w, i) => ({
    text: w.text,
    x0: w.bbox[0] * scale,
    x1: w.bbox[2] * scale,
    y0: (height - w.bbox[3]) * scale,
    y1: (height - w.bbox[1]) * scale,
    spaceAfter: i < words.length - 1 && words[i + 1]!.bbox[1] === w.bbox[1],
  }));
}

const LATIN: DrawnWord[] = [
  { text: 'Invoice', bbox: [100, 100, 400, 160] },
  { text: 'number', bbox: [430, 100, 700, 160] },
  { text: '42', bbox: [730, 100, 820, 160] },
  { text: 'Total:', bbox: [100, 300, 300, 340] },
  { text: '€12.50', bbox: [320, 300, 520, 340] },
];
const CYRILLIC: DrawnWord[] = [
  { text: 'Привет', bbox: [100, 100, 400, 160] },
  { text: 'мир', bbox: [430, 100, 600, 160] },
  { text: 'Счёт', bbox: [100, 300, 300, 350] },
];
const ARABIC: DrawnWord[] = [
  // Right to left: the first word stands at the right.
  { text: 'مرحبا', bbox: [560, 100, 800, 170] },
  { text: 'بالعالم', bbox: [220, 100, 520, 170] },
  { text: 'الفاتورة', bbox: [400, 300, 800, 370] },
];

describe(writeSearchablePdf.name, () => {
  it('writes a valid PDF with one page per image, sized from the image and its resolution', async () => {
    const scan = await drawPage(850, 1100, LATIN, { dpi: 100 });
    const screenshot = await drawPage(600, 400, CYRILLIC);
    const pages: PdfPage[] = [
      { width: 612, height: 792, image: { jpeg: scan, info: readJpegInfo(scan) }, words: toPdfWords(LATIN, 1100, 0.72) },
      { width: 600, height: 400, image: { jpeg: screenshot, info: readJpegInfo(screenshot) }, words: toPdfWords(CYRILLIC, 400, 1) },
      { width: 612, height: 792, image: null, words: [] },
    ];
    const pdf = await collect(writeSearchablePdf(3, pages, { title: 'job-1' }));
    const sut = await readPdf(pdf);
    expect(sut.info.Pages).toBe('3');
    expect(sut.info.Title).toBe('job-1');
    expect(sut.pageSizes).toEqual([
      [612, 792],
      [600, 400],
      [612, 792],
    ]);
    expect(pdf.subarray(-6).toString('latin1')).toBe('%%EOF\n');
    // The JPEGs are inside byte for byte (DCTDecode, not re-encoded).
    expect(pdf.includes(scan)).toBe(true);
    expect(pdf.includes(screenshot)).toBe(true);
  });

  it('places every word on its box, so text selection lands where the word is printed', async () => {
    const image = await drawPage(850, 1100, LATIN, { dpi: 100 });
    const words = toPdfWords(LATIN, 1100, 0.72);
    const pdf = await collect(writeSearchablePdf(1, [{ width: 612, height: 792, image: { jpeg: image, info: readJpegInfo(image) }, words }]));
    const sut = await readPdf(pdf);
    expect(sut.words.map((w) => w.text)).toEqual(LATIN.map((w) => w.text));
    sut.words.forEach((w, i) => {
      const expected = LATIN[i]!.bbox.map((v) => v * 0.72);
      expect(iou(w.box, expected)).toBeGreaterThan(0.9);
    });
    expect(sut.text).toContain('Invoice number 42');
    expect(sut.text).toContain('Total: €12.50');
  });

  it('copies Cyrillic and Arabic text as the characters it shows', async () => {
    const cyrillic = await drawPage(900, 450, CYRILLIC);
    const arabic = await drawPage(900, 450, ARABIC);
    const pdf = await collect(
      writeSearchablePdf(2, [
        { width: 900, height: 450, image: { jpeg: cyrillic, info: readJpegInfo(cyrillic) }, words: toPdfWords(CYRILLIC, 450, 1) },
        { width: 900, height: 450, image: { jpeg: arabic, info: readJpegInfo(arabic) }, words: toPdfWords(ARABIC, 450, 1) },
      ]),
    );
    const sut = await readPdf(pdf);
    const [first, second] = sut.text.split('\f');
    expect(first).toContain('Привет мир');
    expect(first).toContain('Счёт');
    // Copied text is in logical order; the words' boxes hold their glyphs in visual order.
    expect(second).toContain('مرحبا بالعالم');
    expect(second).toContain('الفاتورة');
    const boxes = sut.words.filter((w) => w.page === 1);
    for (const w of ARABIC) {
      const found = boxes.find((b) => [...b.text].reverse().join('') === w.text);
      expect(found).toBeDefined();
      expect(iou(found!.box, w.bbox)).toBeGreaterThan(0.9);
    }
  });

  it('produces the file as its pages are read, never ahead', async () => {
    let produced = 0;
    const image = await drawPage(200, 100, [{ text: 'x', bbox: [10, 10, 30, 40] }]);
    function* pages(): Generator<PdfPage> {
      for (let i = 0; i < 50; i++) {
        produced++;
        yield { width: 200, height: 100, image: { jpeg: image, info: readJpegInfo(image) }, words: [] };
      }
    }
    const sut = writeSearchablePdf(50, pages());
    let bytes = 0;
    for await (const chunk of sut) {
      bytes += chunk.length;
      if (bytes > 5 * image.length) break;
    }
    expect(produced).toBeLessThan(10);
  });

  it('refuses a page count that does not match the pages', async () => {
    await expect(collect(writeSearchablePdf(2, [{ width: 10, height: 10, image: null, words: [] }]))).rejects.toThrow('1 pages written, 2 announced');
    await expect(collect(writeSearchablePdf(0, []))).rejects.toThrow(RangeError);
  });
});

describe(pageContent.name, () => {
  it('draws each word invisibly (3 Tr), sized to its box height and stretched to its width', () => {
    const sut = pageContent({ width: 100, height: 100, image: null, words: [{ text: 'ab', x0: 10, y0: 20, x1: 30, y1: 30, spaceAfter: true }] });
    // Box 20 × 10 pt, two characters of 0.5 em at 10 pt: natural width 10 pt, so Tz 200.
    expect(sut).toContain('3 Tr');
    expect(sut).toContain('/F1 10 Tf 200 Tz 1 0 0 1 10 20 Tm <00610062> Tj'.replace('<00610062>', '<006100620020>'));
  });

  it('writes right-to-left words in visual order and skips empty or degenerate words', () => {
    const sut = pageContent({
      width: 100,
      height: 100,
      image: null,
      words: [
        { text: 'سلام', x0: 10, y0: 20, x1: 50, y1: 30, spaceAfter: false },
        { text: ' \u0007 ', x0: 10, y0: 40, x1: 50, y1: 50, spaceAfter: false },
        { text: 'flat', x0: 10, y0: 60, x1: 50, y1: 60, spaceAfter: false },
      ],
    });
    expect(sut).toContain('1 0 0 1 10 20 Tm <0645062706440633> Tj');
    expect(sut.match(/Tj/g)).toHaveLength(1);
  });
});

describe(num.name, () => {
  it('writes numbers PDF readers accept', () => {
    expect([num(0), num(-0.0001), num(1.23456), num(612), num(1e-7), num(123456789.5)]).toEqual(['0', '0', '1.235', '612', '0', '123456789.5']);
    expect(() => num(NaN)).toThrow(RangeError);
  });
});

describe(utf16Hex.name, () => {
  it('encodes UTF-16 code units, surrogate pairs included', () => {
    expect(utf16Hex('Aя')).toBe('<0041044F>');
    expect(utf16Hex('😀')).toBe('<D83DDE00>');
  });
});

import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { GLYPH_WIDTH, GLYPHLESS_FONT_TTF } from './glyphless-font';
import type { JpegInfo } from './jpeg';

/** A page image embedded as is: the JPEG's bytes and its header. */
export interface PdfPageImage {
  jpeg: Uint8Array;
  info: JpegInfo;
}

/**
 * One word of the invisible text layer, its box in PDF points with the origin at the bottom
 * left of the page (x0 < x1, y0 < y1).
 */
export interface PdfWord {
  text: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** A space follows in reading order (not after a line's last word), so copied text keeps it. */
  spaceAfter: boolean;
}

/** One page: its size in points, the image that fills it (null: a blank page) and its words. */
export interface PdfPage {
  width: number;
  height: number;
  image: PdfPageImage | null;
  words: readonly PdfWord[];
}

export interface PdfDocumentInfo {
  title?: string;
  producer?: string;
}

/** Objects 1–9 are fixed; page i uses 10 + 3i (page), 11 + 3i (content), 12 + 3i (image). */
const OBJ = { catalog: 1, pages: 2, font: 3, cidFont: 4, cidToGid: 5, toUnicode: 6, descriptor: 7, fontFile: 8, info: 9 } as const;
const FIRST_PAGE_OBJ = 10;
const pageObj = (i: number) => FIRST_PAGE_OBJ + 3 * i;

/** Characters of the text layer are UTF-16 code units used as CIDs (Identity-H), each mapped to itself. */
const TO_UNICODE_CMAP = [
  '/CIDInit /ProcSet findresource begin',
  '12 dict begin',
  'begincmap',
  '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
  '/CMapName /Adobe-Identity-UCS def',
  '/CMapType 2 def',
  '1 begincodespacerange',
  '<0000> <FFFF>',
  'endcodespacerange',
  '1 beginbfrange',
  '<0000> <FFFF> <0000>',
  'endbfrange',
  'endcmap',
  'CMapName currentdict /CMap defineresource pop',
  'end',
  'end',
  '',
].join('\n');

/** Every CID maps to glyph 1 of the glyph-less font: 65536 big-endian 16-bit 1s. */
function cidToGidMap(): Buffer {
  const map = Buffer.alloc(2 * 65536);
  for (let i = 1; i < map.length; i += 2) map[i] = 1;
  return deflateSync(map);
}

/** A number as PDF writes it: at most 3 decimals, never an exponent, no `-0`. */
export function num(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  const rounded = Math.round(value * 1000) / 1000;
  if (rounded === 0) return '0';
  return rounded.toFixed(3).replace(/\.?0+$/, '');
}

/** The text as a PDF hex string of UTF-16BE code units (the CIDs of Identity-H). */
export function utf16Hex(text: string): string {
  let hex = '';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0');
  return `<${hex}>`;
}

// Control characters (C0, DEL, C1) carry no text worth copying and only confuse readers.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
// Strong right-to-left scripts: Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic and their presentation forms.
const RTL = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]/;

/**
 * The page's content stream: the image scaled to the page, then one invisible (render mode 3)
 * text object whose every word sits on its box: the font size is the box height (the font's
 * ascent is 1 em and its descent 0, so the glyphs span the box vertically), the baseline is the
 * box bottom, and the horizontal scaling (Tz) stretches the word's glyphs to the box width.
 * Right-to-left words are written in visual order (their first character rightmost), the way
 * most PDF producers write them, which text extraction turns back into logical order (a mirrored
 * text matrix, Tesseract's way, makes poppler split such words into single characters).
 */
export function pageContent(page: PdfPage): string {
  const out: string[] = [];
  if (page.image) out.push(`q ${num(page.width)} 0 0 ${num(page.height)} 0 0 cm /Im1 Do Q`);
  const words = page.words
    .map((w) => ({ ...w, text: w.text.replace(CONTROL, '').trim() }))
    .filter((w) => w.text !== '' && w.x1 - w.x0 > 0.01 && w.y1 - w.y0 > 0.01);
  if (words.length === 0) return out.join('\n') + '\n';
  out.push('BT', '3 Tr');
  for (const w of words) {
    const size = w.y1 - w.y0;
    const scale = (100 * (w.x1 - w.x0) * 1000) / (w.text.length * GLYPH_WIDTH * size);
    // Right-to-left words go in visual order (last character leftmost), as most PDF producers
    // write them; text extraction (poppler's pdftotext, tested) turns such runs back into logical order.
    const rtl = RTL.test(w.text);
    const text = rtl ? [...w.text].reverse().join('') : w.text;
    // The space after a word lies in the gap before the next word: right of a left-to-right word,
    // left of a right-to-left one (there the run starts one space early).
    const space = (size * GLYPH_WIDTH * scale) / 100_000;
    const shown = w.spaceAfter ? (rtl ? ` ${text}` : `${text} `) : text;
    const x = w.spaceAfter && rtl ? w.x0 - space : w.x0;
    out.push(`/F1 ${num(size)} Tf ${num(scale)} Tz 1 0 0 1 ${num(x)} ${num(w.y0)} Tm ${utf16Hex(shown)} Tj`);
  }
  out.push('ET');
  return out.join('\n') + '\n';
}

/**
 * Writes a searchable PDF page by page: the fixed objects (catalog, page tree, the glyph-less
 * font) first, then each page's objects as the page arrives, then the cross-reference table.
 * Only one page's image and text are held at a time; `pageCount` must be known up front (the
 * page tree lists its kids first), and `pages` must yield exactly that many.
 */
export async function* writeSearchablePdf(pageCount: number, pages: AsyncIterable<PdfPage> | Iterable<PdfPage>, info: PdfDocumentInfo = {}): AsyncGenerator<Buffer> {
  if (!Number.isInteger(pageCount) || pageCount < 1) throw new RangeError('a PDF needs at least one page');
  const offsets: number[] = [];
  let position = 0;
  const emit = (data: string | Buffer): Buffer => {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    position += bytes.length;
    return bytes;
  };
  const begin = (obj: number, dict: string): Buffer => {
    offsets[obj] = position;
    return emit(`${obj} 0 obj\n${dict}\n`);
  };
  const object = (obj: number, dict: string) => [begin(obj, dict), emit('endobj\n')];
  const stream = (obj: number, dict: string, data: Buffer) => [begin(obj, `<< ${dict} /Length ${data.length} >>\nstream`), emit(data), emit('\nendstream\nendobj\n')];

  yield emit('%PDF-1.5\n%\xe2\xe3\xcf\xd3\n');
  yield* object(OBJ.catalog, `<< /Type /Catalog /Pages ${OBJ.pages} 0 R >>`);
  const kids = Array.from({ length: pageCount }, (_, i) => `${pageObj(i)} 0 R`).join(' ');
  yield* object(OBJ.pages, `<< /Type /Pages /Count ${pageCount} /Kids [${kids}] >>`);
  yield* object(OBJ.font, `<< /Type /Font /Subtype /Type0 /BaseFont /GlyphLessFont /Encoding /Identity-H /DescendantFonts [${OBJ.cidFont} 0 R] /ToUnicode ${OBJ.toUnicode} 0 R >>`);
  yield* object(
    OBJ.cidFont,
    `<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GlyphLessFont /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor ${OBJ.descriptor} 0 R /CIDToGIDMap ${OBJ.cidToGid} 0 R /DW ${GLYPH_WIDTH} >>`,
  );
  yield* stream(OBJ.cidToGid, '/Filter /FlateDecode', cidToGidMap());
  yield* stream(OBJ.toUnicode, '', Buffer.from(TO_UNICODE_CMAP, 'latin1'));
  yield* object(
    OBJ.descriptor,
    `<< /Type /FontDescriptor /FontName /GlyphLessFont /Flags 5 /FontBBox [0 0 ${GLYPH_WIDTH} 1000] /ItalicAngle 0 /Ascent 1000 /Descent -1 /CapHeight 1000 /StemV 80 /FontFile2 ${OBJ.fontFile} 0 R >>`,
  );
  yield* stream(OBJ.fontFile, `/Length1 ${GLYPHLESS_FONT_TTF.length}`, GLYPHLESS_FONT_TTF);
  yield* object(OBJ.info, `<< /Producer ${pdfText(info.producer ?? 'OCR platform export-service')}${info.title ? ` /Title ${pdfText(info.title)}` : ''} >>`);

  let index = 0;
  for await (const page of pages) {
    if (index >= pageCount) throw new RangeError(`more pages than the ${pageCount} announced`);
    const obj = pageObj(index);
    const resources = `/Font << /F1 ${OBJ.font} 0 R >>${page.image ? ` /XObject << /Im1 ${obj + 2} 0 R >>` : ''}`;
    yield* object(obj, `<< /Type /Page /Parent ${OBJ.pages} 0 R /MediaBox [0 0 ${num(page.width)} ${num(page.height)}] /Resources << ${resources} >> /Contents ${obj + 1} 0 R >>`);
    yield* stream(obj + 1, '/Filter /FlateDecode', deflateSync(Buffer.from(pageContent(page), 'latin1')));
    if (page.image) {
      const { info: jpeg } = page.image;
      const colorSpace = jpeg.components === 1 ? '/DeviceGray' : jpeg.components === 3 ? '/DeviceRGB' : '/DeviceCMYK';
      const decode = jpeg.components === 4 && jpeg.adobe ? ' /Decode [1 0 1 0 1 0 1 0]' : '';
      const bytes = Buffer.from(page.image.jpeg.buffer, page.image.jpeg.byteOffset, page.image.jpeg.byteLength);
      yield* stream(
        obj + 2,
        `/Type /XObject /Subtype /Image /Width ${jpeg.width} /Height ${jpeg.height} /ColorSpace ${colorSpace} /BitsPerComponent ${jpeg.bitsPerComponent}${decode} /Filter /DCTDecode`,
        bytes,
      );
    } else {
      // Keep the numbering dense: a page without an image still owns its third object number.
      yield* object(obj + 2, 'null');
    }
    index++;
  }
  if (index !== pageCount) throw new RangeError(`${index} pages written, ${pageCount} announced`);

  const size = pageObj(pageCount);
  const xref = position;
  const lines = ['xref', `0 ${size}`, '0000000000 65535 f\r'];
  for (let obj = 1; obj < size; obj++) {
    lines.push(`${String(offsets[obj]).padStart(10, '0')} 00000 n\r`);
  }
  const id = randomBytes(16).toString('hex');
  lines.push('trailer', `<< /Size ${size} /Root ${OBJ.catalog} 0 R /Info ${OBJ.info} 0 R /ID [<${id}> <${id}>] >>`, 'startxref', String(xref), '%%EOF', '');
  yield emit(lines.join('\n'));
}

/** A PDF text string: literal when printable ASCII, else UTF-16BE hex with a byte-order mark. */
function pdfText(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return `(${text.replace(/[\\()]/g, (c) => `\\${c}`)})`;
  return `<FEFF${utf16Hex(text).slice(1, -1)}>`;
}

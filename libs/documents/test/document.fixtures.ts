/**
 * Test files made from scratch in the tests (no committed binaries): images with sharp, PDFs with
 * pdf-lib, and the few files no library writes (an encrypted PDF, a decompression-bomb PNG) by hand.
 */
import { createHash, randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { encode as encodeBmp } from 'bmp-ts';
import { PDFDocument, PDFName, type PDFRef, StandardFonts, popGraphicsState, pushGraphicsState, setTextRenderingMode, TextRenderingMode } from 'pdf-lib';
import sharp from 'sharp';

export const LETTER: [number, number] = [612, 792];
export const A4: [number, number] = [595.28, 841.89];

/** A solid-colour image of the given format. */
export async function solidImage(
  format: 'png' | 'jpeg' | 'webp' | 'gif' | 'tiff',
  width: number,
  height: number,
  colour = '#336699',
): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })[format]().toBuffer();
}

/** A multi-page image whose pages are solid red, green, blue (in that order). */
export async function multiPageImage(format: 'tiff' | 'gif' | 'webp', width = 40, height = 30): Promise<Buffer> {
  const frames = await Promise.all(
    ['#ff0000', '#00ff00', '#0000ff'].map((background) =>
      sharp({ create: { width, height, channels: 3, background } }).png().toBuffer(),
    ),
  );
  return sharp(frames, { join: { animated: true } })[format]().toBuffer();
}

/** A 24-bit BMP, left half black, right half white. */
export function bmpImage(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const v = x < width / 2 ? 0 : 255;
      const i = (y * width + x) * 4;
      // bmp-ts takes ABGR.
      data[i] = 255;
      data[i + 1] = v;
      data[i + 2] = v;
      data[i + 3] = v;
    }
  }
  return encodeBmp({ data, width, height, bitPP: 24 }).data;
}

function pngChunk(type: string, body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const typeAndBody = Buffer.concat([Buffer.from(type, 'latin1'), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndBody));
  return Buffer.concat([length, typeAndBody, crc]);
}

/** A small PNG whose header claims width×height pixels (a decompression bomb's header), built by hand. */
export function bombPng(width = 50_000, height = 50_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  // One row of zeros, compressed: the real bomb would be rows of zeros all the way down.
  const idat = deflateSync(Buffer.alloc(width + 1));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface PlacedWord {
  text: string;
  x: number;
  y: number;
  size: number;
}

/** A born-digital PDF: each page lists the words drawn on it (Helvetica, baseline at y, PDF points). */
export async function textPdf(pages: PlacedWord[][], size: [number, number] = LETTER): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const words of pages) {
    const page = doc.addPage(size);
    for (const w of words) page.drawText(w.text, { x: w.x, y: w.y, size: w.size, font });
  }
  return Buffer.from(await doc.save());
}

/** A PDF of `count` letter pages with a paragraph on each. */
export async function manyPagesPdf(count: number): Promise<Buffer> {
  return textPdf(
    Array.from({ length: count }, (_, i) => [{ text: `This is page number ${i + 1} of the long report.`, x: 72, y: 700, size: 14 }]),
  );
}

/**
 * A scanned page: a PNG of `pxWidth`×`pxHeight` drawn over the whole letter page (96 ppi for
 * 816×1056), black text in it, optionally with an invisible (render mode 3) OCR text layer on top.
 */
export async function scannedPdf(
  options: { pxWidth?: number; pxHeight?: number; invisibleText?: string; pages?: number } = {},
): Promise<Buffer> {
  const width = options.pxWidth ?? 816;
  const height = options.pxHeight ?? 1056;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<rect width="100%" height="100%" fill="white"/>` +
    `<text x="${width * 0.1}" y="${height * 0.2}" font-family="sans-serif" font-size="${height / 30}" fill="black">SCANNED RECEIPT TOTAL 12.00</text></svg>`;
  const png = await sharp(Buffer.from(svg)).png().toBuffer();
  const doc = await PDFDocument.create();
  const image = await doc.embedPng(png);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < (options.pages ?? 1); i += 1) {
    const page = doc.addPage(LETTER);
    page.drawImage(image, { x: 0, y: 0, width: LETTER[0], height: LETTER[1] });
    if (options.invisibleText) {
      page.pushOperators(pushGraphicsState(), setTextRenderingMode(TextRenderingMode.Invisible));
      page.drawText(options.invisibleText, { x: 60, y: 630, size: 11, font, lineHeight: 14, maxWidth: 500 });
      page.pushOperators(popGraphicsState());
    }
  }
  return Buffer.from(await doc.save());
}

/**
 * A one-page letter PDF whose page draws `content`, a content stream written by hand (operators as
 * text, inline images included). `images` become image XObjects named by their key: a PNG, or an
 * image mask (1 bit per pixel, `ImageMask true`) of `width`×`height` given as hex rows.
 */
export async function contentStreamPdf(
  content: string,
  images: Record<string, Buffer | { mask: true; width: number; height: number; hex: string }> = {},
): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage(LETTER);
  const xobjects: Record<string, PDFRef> = {};
  for (const [name, image] of Object.entries(images)) {
    if (Buffer.isBuffer(image)) {
      xobjects[name] = (await doc.embedPng(image)).ref;
    } else {
      const stream = doc.context.stream(Buffer.from(image.hex, 'hex'), {
        Type: 'XObject',
        Subtype: 'Image',
        Width: image.width,
        Height: image.height,
        ImageMask: true,
        BitsPerComponent: 1,
      });
      xobjects[name] = doc.context.register(stream);
    }
  }
  page.node.set(PDFName.of('Resources'), doc.context.obj({ XObject: xobjects }));
  page.node.set(PDFName.of('Contents'), doc.context.register(doc.context.stream(content)));
  return Buffer.from(await doc.save());
}

// ---- An encrypted PDF, built by hand (Standard security handler, revision 2, RC4 40-bit) ----

const PASSWORD_PAD = Buffer.from(
  '28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a',
  'hex',
);

function rc4(key: Buffer, data: Buffer): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i += 1) {
    j = (j + s[i]! + key[i % key.length]!) & 255;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n += 1) {
    i = (i + 1) & 255;
    j = (j + s[i]!) & 255;
    [s[i], s[j]] = [s[j]!, s[i]!];
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 255]!;
  }
  return out;
}

const padPassword = (password: string) => Buffer.concat([Buffer.from(password, 'latin1'), PASSWORD_PAD]).subarray(0, 32);
const md5 = (...parts: Buffer[]) => createHash('md5').update(Buffer.concat(parts)).digest();

/**
 * A one-page PDF protected with the Standard security handler (PDF 1.4 §3.5.2, algorithms 3.2–3.4).
 * With a non-empty `userPassword` it needs a password to open; with '' it opens (owner restrictions only).
 * The page has no strings or streams, so nothing else needs encrypting.
 */
export function encryptedPdf(userPassword: string, ownerPassword = 'owner'): Buffer {
  const id = randomBytes(16);
  const permissions = -44; // print and copy refused
  const o = rc4(md5(padPassword(ownerPassword)).subarray(0, 5), padPassword(userPassword));
  const p = Buffer.alloc(4);
  p.writeInt32LE(permissions);
  const key = md5(padPassword(userPassword), o, p, id).subarray(0, 5);
  const u = rc4(key, PASSWORD_PAD);
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>',
    `<< /Filter /Standard /V 1 /R 2 /O <${o.toString('hex')}> /U <${u.toString('hex')}> /P ${permissions} >>`,
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((obj, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${obj}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body +=
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Encrypt 4 0 R /ID [<${id.toString('hex')}> <${id.toString('hex')}>] >>\n` +
    `startxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** Mean of each RGB channel inside a box of a raw RGB raster. */
export function meanInBox(
  image: { data: Buffer; width: number; height: number },
  box: readonly [number, number, number, number],
): number {
  let sum = 0;
  let n = 0;
  for (let y = Math.max(0, box[1]); y < Math.min(image.height, box[3]); y += 1) {
    for (let x = Math.max(0, box[0]); x < Math.min(image.width, box[2]); x += 1) {
      const i = (y * image.width + x) * 3;
      sum += image.data[i]! + image.data[i + 1]! + image.data[i + 2]!;
      n += 3;
    }
  }
  return n === 0 ? 255 : sum / n;
}

export function pixelAt(image: { data: Buffer; width: number }, x: number, y: number): [number, number, number] {
  const i = (y * image.width + x) * 3;
  return [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
}

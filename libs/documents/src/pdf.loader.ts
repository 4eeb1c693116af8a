import path from 'node:path';
import type { PDFDocumentLoadingTask, PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { DocumentError } from './document.error';

type Pdfjs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

let pdfjsModule: Promise<Pdfjs> | undefined;

/**
 * pdf.js, loaded once. The legacy build is the one meant for Node (the modern build needs browser
 * APIs such as `Uint8Array.prototype.toHex`). It is ESM-only, hence the dynamic import.
 */
export function loadPdfjs(): Promise<Pdfjs> {
  pdfjsModule ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjsModule;
}

/** pdf.js data folders shipped inside pdfjs-dist, so nothing is fetched from the network. */
function pdfjsDataDir(folder: 'standard_fonts' | 'cmaps' | 'wasm' | 'iccs'): string {
  const root = path.dirname(require.resolve('pdfjs-dist/package.json'));
  return path.join(root, folder) + path.sep;
}

export interface OpenPdfOptions {
  /** Give up (with a `timeout` error) when loading and the work on the document take longer. */
  timeoutMs: number;
  /** Embedded images with more pixels than this are skipped when rendering (decompression bombs). */
  maxImagePixels?: number;
}

/** Distinguishes a cut file from a damaged one: a complete PDF ends with `%%EOF`. */
function looksTruncated(bytes: Buffer): boolean {
  const tail = bytes.subarray(Math.max(0, bytes.length - 1024)).toString('latin1');
  return !tail.includes('%%EOF');
}

/** Turns whatever pdf.js threw into a DocumentError with a message a user understands. */
export function toPdfError(error: unknown, bytes: Buffer): DocumentError {
  if (error instanceof DocumentError) return error;
  const name = (error as { name?: string } | null)?.name;
  const message = (error as { message?: string } | null)?.message ?? String(error);
  if (name === 'PasswordException') {
    return new DocumentError(
      'encrypted',
      'This PDF is password-protected. Remove the password (save or print it as an unprotected PDF) and upload it again.',
      { cause: error },
    );
  }
  if (looksTruncated(bytes)) {
    return new DocumentError('truncated', 'The PDF file is incomplete (it ends early); upload the whole file again.', {
      cause: error,
    });
  }
  return new DocumentError('corrupt', `The PDF file is damaged and cannot be read: ${message}`, { cause: error });
}

/**
 * Opens a PDF with pdf.js, runs `work` on it and always destroys the loading task afterwards, so no
 * page, font or image of the document outlives the call. Loading and `work` together are bounded by
 * `timeoutMs`: a file that makes pdf.js spin ends in a `timeout` error, not a hung worker.
 */
export async function withPdf<T>(
  bytes: Buffer,
  options: OpenPdfOptions,
  work: (doc: PDFDocumentProxy, pdfjs: Pdfjs) => Promise<T>,
): Promise<T> {
  const pdfjs = await loadPdfjs();
  const task: PDFDocumentLoadingTask = pdfjs.getDocument({
    // A copy: pdf.js takes ownership of (and may detach) the array it is given.
    data: new Uint8Array(bytes),
    // No font-face injection (there is no DOM); glyphs are drawn as paths. pdf.js 6 has no eval path
    // any more (the `isEvalSupported` option is gone), so fonts never compile code.
    disableFontFace: true,
    useWorkerFetch: false,
    useSystemFonts: false,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    standardFontDataUrl: pdfjsDataDir('standard_fonts'),
    cMapUrl: pdfjsDataDir('cmaps'),
    cMapPacked: true,
    wasmUrl: pdfjsDataDir('wasm'),
    iccUrl: pdfjsDataDir('iccs'),
    maxImageSize: options.maxImagePixels ?? -1,
    stopAtErrors: false,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DocumentError('timeout', `Reading the PDF took longer than ${options.timeoutMs} ms; it was abandoned.`)),
      options.timeoutMs,
    );
  });
  try {
    const run = task.promise.then((doc) => work(doc, pdfjs));
    run.catch(() => undefined); // settled below; avoid an unhandled rejection after a timeout
    return await Promise.race([run, deadline]);
  } catch (error) {
    throw toPdfError(error, bytes);
  } finally {
    clearTimeout(timer);
    await task.destroy().catch(() => undefined);
  }
}

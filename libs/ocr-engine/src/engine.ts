import type { PageOcr } from '@ocr/documents';

/** Decoded pixels of one page, 8 bits a channel, rows top to bottom. */
export interface RasterImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

/** Per-call options: immutable values, never shared state. */
export interface RecognizeOptions {
  /** A language code (`en`, `ch`, …) or `auto`. */
  readonly language: string;
  /** Abort the page after this long (a clear error, not a hang). */
  readonly timeoutMs?: number;
  /**
   * The page is handwritten (the `handwriting-to-text` tool): a Latin-script page goes straight to
   * the engine that reads handwriting (PP-OCRv4), never through Tesseract's print models first.
   */
  readonly handwriting?: boolean;
}

/** One engine interface; the router picks an implementation per page. */
export interface OcrEngine {
  readonly name: string;
  recognize(image: RasterImage, options: RecognizeOptions): Promise<PageOcr>;
  close(): Promise<void>;
}

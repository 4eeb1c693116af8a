import type { TraceContext } from '@ocr/messaging';
import type { JobPage, PageOcr } from '@ocr/documents';

/** Adapter tokens of the page processor (real ones in WorkerModule, fakes in unit specs). */
export const UPLOADS = Symbol('UPLOADS');
export const RASTERIZER = Symbol('RASTERIZER');
export const ENGINE = Symbol('ENGINE');
export const RESULTS = Symbol('RESULTS');
export const PAGE_IMAGES = Symbol('PAGE_IMAGES');

export interface Uploads {
  /** The upload's bytes, or null when it is gone (its job already ended). */
  get(key: string): Promise<Buffer | null>;
}

export interface RasterImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

export interface RasterizedPage {
  image: RasterImage;
  /** Resolution of the raster (PDF pages; images when their header says), for the searchable PDF's page size. */
  dpi?: number;
  /** A born-digital page's own text, already in page pixels; null when the page must be OCR'd. */
  textLayer: PageOcr | null;
}

export interface Rasterizer {
  rasterize(bytes: Buffer, pageIndex: number): Promise<RasterizedPage>;
}

export interface EngineOptions {
  language: string;
  timeoutMs: number;
  /** The page is handwritten (`tool=handwriting-to-text`). */
  handwriting?: boolean;
}

export interface Engine {
  recognize(image: RasterImage, options: EngineOptions): Promise<PageOcr>;
}

/**
 * Keeps each page as rasterized, for the searchable PDF export (deleted with the job's results).
 * `put` runs while the engine reads the same image: neither may change its pixels.
 */
export interface PageImages {
  put(jobId: string, pageIndex: number, image: RasterImage, dpi?: number): Promise<void>;
}

export interface ResultPublisher {
  /** `trace`: the page's span, a child of the task's (the gateway continues it). */
  publish(result: { job_id: string; page_index: number; worker_id: string; page: JobPage; attempt: number }, trace?: TraceContext): Promise<void>;
}

/** An error that retrying cannot fix (a corrupt page, an image too large): the page fails for good. */
export function isPermanent(e: unknown): boolean {
  const name = (e as Error)?.name;
  return name === 'DocumentError' || name === 'OcrEngineError' || name === 'UnknownLanguageError';
}

import { jobArtifacts, rasterizePage, textLayerToPage, warmUpRasterizer } from '@ocr/documents';
import sharp from 'sharp';
import { JetStreamBus, type TraceContext } from '@ocr/messaging';
import type { OcrEngine } from '@ocr/ocr-engine';
import { ObjectNotFoundError, ObjectStore } from '@ocr/storage';
import type { Engine, EngineOptions, PageImages, RasterImage, RasterizedPage, Rasterizer, ResultPublisher, Uploads } from './page.ports';
import type { PageOcr } from '@ocr/documents';

/** The upload from object storage; null when it was deleted (its job ended). */
export class ObjectStoreUploads implements Uploads {
  constructor(private readonly store: ObjectStore) {}

  async get(key: string): Promise<Buffer | null> {
    try {
      return await this.store.get(key);
    } catch (e) {
      if (e instanceof ObjectNotFoundError) return null;
      throw e;
    }
  }
}

/** Rasterizes one page with @ocr/documents; a page with a real text layer keeps its own text. */
export class DocumentRasterizer implements Rasterizer {
  constructor(private readonly options: { maxInputPixels: number; timeoutMs: number }) {}

  /** Loads pdf.js and the canvas now, at boot, rather than inside the first task (see `warmUpRasterizer`). */
  async warmUp(): Promise<this> {
    await warmUpRasterizer();
    return this;
  }

  async rasterize(bytes: Buffer, pageIndex: number): Promise<RasterizedPage> {
    const page = await rasterizePage(bytes, pageIndex, { maxInputPixels: this.options.maxInputPixels, timeoutMs: this.options.timeoutMs });
    const textLayer = page.source === 'text-layer' && page.textLayer ? textLayerToPage(page.textLayer) : null;
    return { image: page.image, dpi: page.dpi, textLayer };
  }
}

/** The OCR engine router (PP-OCRv4 and Tesseract), behind the worker's narrow port. */
export class RoutedEngine implements Engine {
  constructor(private readonly engine: OcrEngine) {}

  recognize(image: RasterImage, options: EngineOptions): Promise<PageOcr> {
    return this.engine.recognize(image, options);
  }
}

/** Page images as JPEG (quality 85) in object storage, keyed by job and page. */
export class ObjectStorePageImages implements PageImages {
  constructor(private readonly store: ObjectStore) {}

  async put(jobId: string, pageIndex: number, image: RasterImage, dpi?: number): Promise<void> {
    let encoder = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
    // The density goes into the JPEG (JFIF) so the searchable PDF gets the page's real size.
    if (dpi && dpi > 0) encoder = encoder.withMetadata({ density: dpi });
    const jpeg = await encoder.jpeg({ quality: 85, mozjpeg: false }).toBuffer();
    await this.store.put(jobArtifacts.pageImage(jobId, pageIndex), jpeg, { contentType: 'image/jpeg', size: jpeg.length });
  }
}

/** Page results go to `ocr.results`, de-duplicated by `<job>:<page>`. */
export class BusResultPublisher implements ResultPublisher {
  constructor(private readonly bus: JetStreamBus) {}

  async publish(result: Parameters<ResultPublisher['publish']>[0], trace?: TraceContext): Promise<void> {
    await this.bus.publishPageResult(result, trace ? { trace } : {});
  }
}


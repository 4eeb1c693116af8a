import type { BBox, PageOcr } from '@ocr/documents';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import type { OcrEngine, RasterImage, RecognizeOptions } from './engine';
import { Deadline, OcrEngineError } from './errors';
import { bounds, shiftQuad, type Point, type Quad } from './geometry/geometry';
import { foldAffineChains } from './onnx/fold';
import { defaultModelPaths, readDictionary, type PaddleModelPaths } from './models';
import { DEFAULT_PIPELINE, mergePipeline, type PaddleEngineOptions, type PipelineOptions, type PipelineOverrides } from './options';
import { assemble, textAngle, type AssemblyLine } from './pipeline/assemble/assemble';
import { composePage } from './pipeline/layout/compose';
import { findFigures } from './pipeline/layout/figures';
import { splitMargins } from './pipeline/layout/margins';
import { classify } from './pipeline/classify/classify';
import { cropLine, rotate180, type LineCrop } from './pipeline/crop/crop';
import { ctcClasses } from './pipeline/recognize/ctc';
import { detect } from './pipeline/detect/detect';
import { mergeLineImage } from './pipeline/detect/line-image';
import { loadRaster, type PageRaster } from './pipeline/load/load';
import { isUpsideDown, longestBoxes, looksTurned, meanScore } from './pipeline/orient/orient';
import { recognize, type RecognizedLine } from './pipeline/recognize/recognize';
import type { ModelRunner } from './pipeline/session';
import { detectTables } from './tables';

/** Per-call options of the Paddle engine: the common ones plus optional pipeline overrides. */
export interface PaddleRecognizeOptions extends RecognizeOptions {
  readonly pipeline?: PipelineOverrides;
}

/** Languages the Chinese + English recognition model reads. */
export const PADDLE_LANGUAGES = ['ch', 'en', 'zh', 'zh-Hans', 'zh-Hant'] as const;

class OrtRunner implements ModelRunner {
  constructor(
    private readonly session: ort.InferenceSession,
    private readonly name: string,
  ) {}
  async run(input: Float32Array, dims: readonly number[]) {
    try {
      const feeds = { [this.session.inputNames[0]!]: new ort.Tensor('float32', input, dims) };
      const out = await this.session.run(feeds);
      const t = out[this.session.outputNames[0]!]!;
      const result = { data: t.data as Float32Array, dims: t.dims };
      t.dispose();
      return result;
    } catch (err) {
      throw new OcrEngineError('inference_failed', `${this.name} model failed on input ${dims.join('x')}: ${(err as Error).message}`, { cause: err });
    }
  }
  release() {
    return this.session.release();
  }
}

/**
 * PP-OCRv4 on onnxruntime-node: load → detect → crop → orientation → recognize → assemble.
 * One session per model for the engine's life; calls share nothing mutable.
 */
export class PaddleOcrEngine implements OcrEngine {
  readonly name = 'pp-ocrv4';
  private closed = false;

  private constructor(
    private readonly det: OrtRunner,
    private readonly rec: OrtRunner,
    private readonly cls: OrtRunner,
    private readonly dict: readonly string[],
    private readonly defaults: PipelineOptions,
    private readonly maxPixels: number,
  ) {}

  static async create(options: PaddleEngineOptions = {}): Promise<PaddleOcrEngine> {
    const paths: PaddleModelPaths = { ...defaultModelPaths(), ...options.models };
    const threads = options.intraOpThreads ?? 2;
    if (!Number.isInteger(threads) || threads < 1) throw new OcrEngineError('model_load_failed', `intraOpThreads must be a positive integer, got ${threads}`);
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      enableMemPattern: false,
    };
    const fold = options.foldModels ?? true;
    const open = async (path: string, name: string) => {
      try {
        const model = fold ? foldAffineChains(readFileSync(path)).model : readFileSync(path);
        return new OrtRunner(await ort.InferenceSession.create(model, sessionOptions), name);
      } catch (err) {
        throw new OcrEngineError('model_load_failed', `cannot load the ${name} model from ${path}: ${(err as Error).message}`, { cause: err });
      }
    };
    let dictText: string;
    try {
      dictText = readDictionary(paths.dictionary);
    } catch (err) {
      throw new OcrEngineError('model_load_failed', `cannot read the dictionary ${paths.dictionary}: ${(err as Error).message}`, { cause: err });
    }
    const [det, rec, cls] = await Promise.all([
      open(paths.detection, 'detection'),
      open(paths.recognition, 'recognition'),
      open(paths.classification, 'orientation'),
    ]);
    return new PaddleOcrEngine(det, rec, cls, ctcClasses(dictText), mergePipeline(DEFAULT_PIPELINE, options.pipeline), options.maxPixels ?? 400_000_000);
  }

  async recognize(image: RasterImage, options: PaddleRecognizeOptions): Promise<PageOcr> {
    if (this.closed) throw new OcrEngineError('closed', 'the engine was closed');
    const deadline = new Deadline(options.timeoutMs);
    const p = mergePipeline(this.defaults, options.pipeline);
    const timings: Record<string, number> = {};
    const timed = async <T>(stage: string, fn: () => Promise<T> | T): Promise<T> => {
      deadline.check(stage);
      const t0 = performance.now();
      const r = await fn();
      timings[stage] = Math.round((timings[stage] ?? 0) + performance.now() - t0);
      deadline.check(stage);
      return r;
    };

    const page = await timed('load', () => loadRaster(image, { maxPixels: this.maxPixels }));
    const { boxes } = await timed('detect', () => detect(page, this.det, p.det));
    const language = options.language === 'auto' ? 'ch' : options.language;
    const empty = (): PageOcr => ({
      width: page.width, height: page.height, text: '', markdown: '', blocks: [], tables: [],
      mean_confidence: 0, language, engine: this.name, timings_ms: timings,
    });
    if (boxes.length === 0) return empty();

    // A line image is read as one line, not as the word fragments detection found on it.
    const quads = mergeLineImage(boxes.map((b) => b.quad), page.width, page.height, p.lineImage);
    const rec = (crops: LineCrop[]) => recognize(crops, this.rec, this.dict, p.rec, () => deadline.check('recognize'));
    const crop = (q: Quad) => cropLine(page, q, p.crop);

    // Page turned by 90° or 270°: the boxes stand upright; read a sample both ways, keep the better.
    let turn = 0;
    if (p.pageOrientation && looksTurned(quads, p.crop.tallRatio)) {
      const sample = longestBoxes(quads, 8);
      const [cw, ccw] = await timed('orient', async () => [
        meanScore(await rec(sample.map((i) => crop(shiftQuad(quads[i]!, 1))))),
        meanScore(await rec(sample.map((i) => crop(shiftQuad(quads[i]!, 3))))),
      ]);
      turn = cw >= ccw ? 1 : 3;
    }
    let crops = await timed('crop', () => quads.map((q) => crop(shiftQuad(q, turn))));
    let lines = await timed('recognize', () => rec(crops));

    // Orientation of each line: keep a 180° turn only when recognition agrees it reads better.
    if (p.cls.enabled) {
      const orient = await timed('classify', () => classify(crops, this.cls, p.cls));
      const flagged = orient.flatMap((o, i) => (o.flipped ? [i] : []));
      let confirmed = 0;
      if (flagged.length > 0) {
        const turned = flagged.map((i) => rotate180(crops[i]!));
        const again = await timed('recognize', () => rec(turned));
        flagged.forEach((i, k) => {
          if (again[k]!.score > lines[i]!.score) {
            lines[i] = again[k]!;
            crops[i] = turned[k]!;
            confirmed++;
          }
        });
      }
      if (p.pageOrientation && isUpsideDown(confirmed, lines.length)) {
        // The whole page is upside down: give every remaining line the same chance.
        const rest = crops.map((_, i) => i).filter((i) => !flagged.includes(i));
        const turned = rest.map((i) => rotate180(crops[i]!));
        const again = await timed('recognize', () => rec(turned));
        rest.forEach((i, k) => {
          if (again[k]!.score > lines[i]!.score) {
            lines[i] = again[k]!;
            crops[i] = turned[k]!;
          }
        });
      }
    }

    const kept: AssemblyLine[] = [];
    lines.forEach((line, i) => {
      if (line.score < p.rec.dropScore || line.text.trim() === '') return;
      kept.push(toAssemblyLine(line, crops[i]!));
    });
    crops = [];
    lines = [];
    const upright = turn === 0;
    const boxOf = (l: AssemblyLine): BBox => bounds(l.quad) as BBox;
    const assembleLines = (ls: AssemblyLine[]) => assemble(ls, p.assemble);
    // Page header, footer and footnotes are told apart on an upright page only (a turned page's margins are its sides).
    const margins = await timed('assemble', () =>
      upright && Math.abs(textAngle(kept.map((l) => l.quad))) < 0.2 ? splitMargins(kept, boxOf, page, p.margins) : { header: [], body: kept, footnotes: [], footer: [] },
    );
    const body = await timed('assemble', () => assembleLines(margins.body));
    // Tables (ruled and borderless) kept as cells; markdown shows them as tables in place of their lines.
    const tables = await timed('tables', () => (upright ? detectTables(page, body.blocks.flatMap((b) => b.lines)) : []));
    const figures = await timed('figures', () => findFigures(page, kept.map(boxOf), tables.map((t) => t.bbox), p.figures));
    const layout = await timed('assemble', () => composePage({ margins, tables, figures, boxOf, assemble: assembleLines }));
    return {
      width: page.width,
      height: page.height,
      text: layout.text,
      markdown: layout.markdown,
      blocks: layout.blocks,
      tables,
      mean_confidence: layout.meanConfidence,
      language,
      engine: this.name,
      timings_ms: timings,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.det.release(), this.rec.release(), this.cls.release()]);
  }
}

/** A word's quad: the slice [u0, u1] (fractions of the width) of the line's quad. */
export function sliceQuad(q: Quad, u0: number, u1: number): Quad {
  const lerp = (a: Point, b: Point, t: number): Point => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
  return [lerp(q[0], q[1], u0), lerp(q[0], q[1], u1), lerp(q[3], q[2], u1), lerp(q[3], q[2], u0)];
}

function toAssemblyLine(line: RecognizedLine, crop: LineCrop): AssemblyLine {
  return {
    quad: crop.quad,
    text: line.text,
    confidence: line.score,
    words: line.words.map((w) => ({ text: w.text, confidence: w.confidence, quad: sliceQuad(crop.quad, w.u0, w.u1) })),
  };
}

/** Build the PP-OCRv4 engine (loads the three models once). */
export function createPaddleEngine(options: PaddleEngineOptions = {}): Promise<PaddleOcrEngine> {
  return PaddleOcrEngine.create(options);
}

export type { PageRaster };

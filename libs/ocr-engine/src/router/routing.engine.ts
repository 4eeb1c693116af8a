import type { PageOcr } from '@ocr/documents';
import type { OcrEngine, RasterImage, RecognizeOptions } from '../engine';
import { OcrEngineError } from '../errors';
import { AUTO_LANGUAGE_FOR_SCRIPT, resolveLanguages, type ScriptCode } from '../languages/language.registry';
import { TesseractOsd, type ScriptDetector } from '../tesseract/tesseract-osd';
import { scriptShare } from './script-share';

export interface AutoRoutingOptions {
  /** A non-Latin script candidate is kept only when at least this share of its letters is in that script. */
  readonly minScriptShare: number;
  /** … and is taken without a second reading when its mean confidence reaches this (else the more confident of the two). */
  readonly minConfidence: number;
  /**
   * … or when the detector named the script with at least this confidence (Tesseract OSD's own
   * measure): Tesseract's confidence on a script it reads right is often below PP-OCRv4's on the
   * Latin look-alikes it makes of the same letters (a Komi line read as "eCTBeHHOCTb"), so the two
   * confidences cannot be compared there. On the dev set OSD named a wrong script with at most 6.7,
   * the right non-Latin one with 7.8 to 63.
   */
  readonly trustedScriptConfidence: number;
  /** Below this mean confidence, a PP-OCRv4 reading of a Latin/unknown page is checked against Tesseract's Latin model. */
  readonly paddleMinConfidence: number;
  /**
   * A page of a Latin-script language that Tesseract reads (`fr`, `de`, …) with a mean confidence below
   * this is read again by PP-OCRv4, and the more confident reading is kept (handwriting, which
   * Tesseract's print models turn into noise). The accents PP-OCRv4 cannot read cost less than that.
   */
  readonly latinFallbackConfidence: number;
  /**
   * A detection below this script confidence is a near tie (OSD's measure is the best script's
   * margin over the runner-up): its reading is kept only when it is more confident than the
   * Latin/Chinese one. Upper-case Latin (receipts) ties with Cyrillic, whose model reads it as
   * Cyrillic letters with a confidence of 0.5–0.65. On the dev set wrong detections scored 0 to 8.3,
   * right ones 7.8 to 40 (and a rendered two-line Cyrillic page 1.67).
   */
  readonly weakScriptConfidence: number;
  /**
   * Below this script confidence OSD's answer is a tie and is not used: the page is read as
   * Latin/Chinese. On the dev set it named Japanese or Katakana for handwritten French and English
   * at 0 to 0.08 and Cyrillic for receipts at 0, and each such page was read by the wrong script's
   * model first (Tesseract's Japanese model: 2 to 4.5 s a page); right detections scored 1.67 and up.
   */
  readonly minScriptConfidence: number;
}

export const DEFAULT_AUTO_ROUTING: AutoRoutingOptions = {
  minScriptShare: 0.6,
  minConfidence: 0.6,
  trustedScriptConfidence: 10,
  paddleMinConfidence: 0.8,
  latinFallbackConfidence: 0.6,
  weakScriptConfidence: 2,
  minScriptConfidence: 0.5,
};

export interface RoutingEngineDeps {
  /** Reads the languages the registry gives to Tesseract (and everything when paddle is absent). */
  readonly tesseract: OcrEngine;
  /** PP-OCRv4: Chinese + ASCII Latin (`ch`, `zh`, `en`). */
  readonly paddle?: OcrEngine;
  /** Script detection for `auto`; default Tesseract OSD. */
  readonly detector?: ScriptDetector;
  readonly auto?: Partial<AutoRoutingOptions>;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Picks the engine per page: by the registry for a given language, by script detection for `auto`.
 * `auto` asks the detector for the page's script, reads the page with that script's model and keeps
 * that reading only when its text is mostly in that script and confident (OSD is often wrong on
 * receipts and handwriting); otherwise it reads the page as Latin/Chinese, PP-OCRv4 first.
 */
export class RoutingEngine implements OcrEngine {
  readonly name = 'router';
  private readonly tesseract: OcrEngine;
  private readonly paddle: OcrEngine | undefined;
  private readonly detector: ScriptDetector;
  private readonly auto: AutoRoutingOptions;

  constructor(deps: RoutingEngineDeps) {
    this.tesseract = deps.tesseract;
    this.paddle = deps.paddle;
    this.detector = deps.detector ?? new TesseractOsd();
    this.auto = { ...DEFAULT_AUTO_ROUTING, ...deps.auto };
  }

  async recognize(image: RasterImage, options: RecognizeOptions): Promise<PageOcr> {
    if (options.language.trim().toLowerCase() !== 'auto') return this.readAs(image, options.language, options.timeoutMs, true, options.handwriting);
    const deadline = performance.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const remaining = (stage: string): number => {
      const left = deadline - performance.now();
      if (left <= 0) throw new OcrEngineError('timeout', `page took longer than ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms (stopped during ${stage})`);
      return left;
    };

    const t0 = performance.now();
    const detection = await this.detector.detect(image, { timeoutMs: remaining('script detection') });
    const detectMs = Math.round((performance.now() - t0) * 10) / 10;
    // A script named with (almost) no margin over the runner-up is no detection at all.
    const script = (detection?.scriptConfidence ?? 0) >= this.auto.minScriptConfidence ? detection?.script : undefined;

    let candidate: PageOcr | undefined;
    if (script && script !== 'Latn' && script !== 'Hans') {
      const page = await this.readAs(image, AUTO_LANGUAGE_FOR_SCRIPT[script], remaining('recognition'));
      // Text mostly in another script means the detector was wrong: drop that reading.
      if (page.text.trim().length > 0 && scriptShare(page.text, script) >= this.auto.minScriptShare) {
        const scriptConfidence = detection?.scriptConfidence ?? 0;
        // A near-tie detection is kept only if its reading is more confident than the Latin/Chinese one.
        const sure = scriptConfidence >= this.auto.weakScriptConfidence && page.mean_confidence >= this.auto.minConfidence;
        if (sure || scriptConfidence >= this.auto.trustedScriptConfidence) return withDetectTime(page, detectMs);
        candidate = page;
      }
    }
    const fallback = await this.readLatinOrChinese(image, script, remaining, options.handwriting);
    // An unsure reading in the detected script still beats a less confident Latin one.
    const best = candidate && candidate.mean_confidence >= fallback.mean_confidence ? candidate : fallback;
    return withDetectTime(best, detectMs);
  }

  async close(): Promise<void> {
    await Promise.all([this.tesseract.close(), this.paddle?.close()]);
  }

  /**
   * A page whose script is Latin, Han or unknown: PP-OCRv4 when present, checked by Tesseract when
   * unsure (not on a handwritten page, which Tesseract's print models read worse).
   */
  private async readLatinOrChinese(image: RasterImage, script: ScriptCode | undefined, remaining: (stage: string) => number, handwriting = false): Promise<PageOcr> {
    if (!this.paddle) return this.readAs(image, script === 'Hans' ? 'ch' : 'und-Latn', remaining('recognition'));
    const paddle = await this.paddle.recognize(image, { language: script === 'Latn' ? 'en' : 'ch', timeoutMs: remaining('recognition') });
    if (script === 'Hans' || handwriting || paddle.mean_confidence >= this.auto.paddleMinConfidence) return paddle;
    const latin = await this.readAs(image, 'und-Latn', remaining('recognition'), false);
    return latin.mean_confidence > paddle.mean_confidence ? latin : paddle;
  }

  /**
   * A language given by code (or codes): the engine the registry names; Tesseract when PP-OCRv4 is absent.
   * An unsure Tesseract reading of a Latin-script page is checked against PP-OCRv4 (see `latinFallbackConfidence`);
   * a handwritten Latin-script page is read by PP-OCRv4 alone (on the dev set's handwriting Tesseract's
   * print models read at CER 0.88, PP-OCRv4 at 0.45, and Tesseract's first reading cost 1.5–2.3 s a page).
   */
  private async readAs(image: RasterImage, language: string, timeoutMs: number | undefined, checkWithPaddle = true, handwriting = false): Promise<PageOcr> {
    const resolved = resolveLanguages(language);
    const latin = resolved.entries.every((e) => e.script === 'Latn');
    if (this.paddle && (resolved.engine === 'pp-ocrv4' || (handwriting && latin))) {
      return this.paddle.recognize(image, { language: resolved.engine === 'pp-ocrv4' ? resolved.code : 'en', timeoutMs });
    }
    const started = performance.now();
    const page = await this.tesseract.recognize(image, { language: resolved.code, timeoutMs });
    if (!this.paddle || !checkWithPaddle || !latin || page.mean_confidence >= this.auto.latinFallbackConfidence) return page;
    const left = timeoutMs === undefined ? undefined : timeoutMs - (performance.now() - started);
    if (left !== undefined && left <= 0) throw new OcrEngineError('timeout', `page took longer than ${timeoutMs} ms (stopped before the second reading)`);
    const paddle = await this.paddle.recognize(image, { language: 'en', timeoutMs: left });
    return paddle.mean_confidence > page.mean_confidence ? paddle : page;
  }
}

function withDetectTime(page: PageOcr, detectMs: number): PageOcr {
  return { ...page, timings_ms: { ...page.timings_ms, detect_script: detectMs } };
}

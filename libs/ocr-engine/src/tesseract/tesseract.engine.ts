import type { PageOcr } from '@ocr/documents';
import type { OcrEngine, RasterImage, RecognizeOptions } from '../engine';
import { UnknownLanguageError } from '../languages/language.errors';
import { debianPackageForModel, resolveLanguages } from '../languages/language.registry';
import { encodePng } from './png';
import { DEFAULT_TIMEOUT_MS, listInstalledModels, runTesseract, type TesseractCliOptions } from './tesseract.cli';
import { TesseractError } from './tesseract.errors';
import { isNoiseLine, NOISE_DEFAULTS, type NoiseOptions } from './noise.filter';
import { parseTesseractTsv } from './tsv.parser';

export const TESSERACT_ENGINE_NAME = 'tesseract-5';

export interface TesseractEngineOptions extends TesseractCliOptions {
  /** Page segmentation mode; default 3 (fully automatic, no OSD). */
  readonly psm?: number;
  /** Which lines are dropped as noise (default `NOISE_DEFAULTS`); `false` keeps every line. */
  readonly noise?: NoiseOptions | false;
}

/**
 * Tesseract 5's LSTM models (`--oem 1`) behind the engine interface, one `tesseract` process a page
 * (single-threaded: the worker runs pages in parallel). `language` is a registry code, an alias,
 * or several joined by `+`/`,` (`en+de`); `auto` is the router's job.
 */
export class TesseractEngine implements OcrEngine {
  readonly name = TESSERACT_ENGINE_NAME;

  constructor(private readonly options: TesseractEngineOptions = {}) {}

  async recognize(image: RasterImage, options: RecognizeOptions): Promise<PageOcr> {
    if (options.language.trim().toLowerCase() === 'auto') {
      throw new UnknownLanguageError('auto', 'the Tesseract engine needs a language; "auto" is resolved by the RoutingEngine');
    }
    const language = resolveLanguages(options.language);
    await this.assertInstalled(language.tesseract);
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const started = performance.now();
    const png = await encodePng(image);
    const encoded = performance.now();
    const remainingMs = Math.max(1, timeoutMs - (encoded - started));
    const args = ['stdin', 'stdout', '-l', language.tesseract.join('+'), '--psm', String(this.options.psm ?? 3), '--oem', '1', 'tsv'];
    const run = await runTesseract(args, png, { ...this.options, timeoutMs: remainingMs });
    if (run.exitCode !== 0) throw this.failure(run.stderr, run.exitCode);
    const done = performance.now();
    const noise = this.options.noise ?? NOISE_DEFAULTS;
    return parseTesseractTsv(run.stdout, {
      ...(noise ? { keepLine: (line) => !isNoiseLine(line, noise) } : {}),
      width: image.width,
      height: image.height,
      language: language.code,
      engine: TESSERACT_ENGINE_NAME,
      timings_ms: { tesseract_encode: round(encoded - started), tesseract: round(done - encoded) },
    });
  }

  async close(): Promise<void> {
    // One process a page: nothing stays open between pages.
  }

  private async assertInstalled(models: readonly string[]): Promise<void> {
    const installed = await listInstalledModels(this.options);
    const missing = models.filter((m) => !installed.has(m));
    if (missing.length > 0) {
      const packages = [...new Set(missing.map(debianPackageForModel))].join(' ');
      throw new TesseractError(
        'language_not_installed',
        `Tesseract model(s) ${missing.join(', ')} not installed on this machine: apt-get install ${packages}`,
      );
    }
  }

  private failure(stderr: string, exitCode: number): TesseractError {
    const detail = stderr.trim().split('\n').slice(-3).join(' / ').slice(0, 300);
    if (/Failed loading language|Could not initialize tesseract/i.test(stderr)) {
      return new TesseractError('language_not_installed', `tesseract could not load its model: ${detail}`);
    }
    if (/pixRead|Error in pix|image file|Unsupported image/i.test(stderr)) {
      return new TesseractError('bad_image', `tesseract could not read the page image: ${detail}`);
    }
    return new TesseractError('inference_failed', `tesseract exited with code ${exitCode}: ${detail}`);
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

import type { RasterImage } from '../engine';
import type { ScriptCode } from '../languages/language.registry';
import { encodePng } from './png';
import { runTesseract, type TesseractCliOptions } from './tesseract.cli';

/** What script detection says about a page. */
export interface ScriptDetection {
  /** ISO 15924; undefined when the detector named a script the registry has no model for. */
  script: ScriptCode | undefined;
  /** The detector's own name for it (`Latin`, `Cyrillic`, `Han`, …). */
  detectorScript: string;
  scriptConfidence: number;
  /** Clockwise rotation that would make the page upright (0, 90, 180, 270). */
  rotate: number;
  orientationConfidence: number;
}

/** Detects the script of a page; resolves undefined when it cannot tell (too little text). */
export interface ScriptDetector {
  detect(image: RasterImage, options?: { timeoutMs?: number }): Promise<ScriptDetection | undefined>;
}

/** Tesseract's OSD script names → ISO 15924. */
const OSD_SCRIPTS: Readonly<Record<string, ScriptCode>> = {
  Latin: 'Latn', Fraktur: 'Latf', Cyrillic: 'Cyrl', Greek: 'Grek', Armenian: 'Armn', Georgian: 'Geor',
  Hebrew: 'Hebr', Arabic: 'Arab', Syriac: 'Syrc', Thaana: 'Thaa',
  Devanagari: 'Deva', Bengali: 'Beng', Gurmukhi: 'Guru', Gujarati: 'Gujr', Oriya: 'Orya', Tamil: 'Taml',
  Telugu: 'Telu', Kannada: 'Knda', Malayalam: 'Mlym', Sinhala: 'Sinh',
  Thai: 'Thai', Lao: 'Laoo', Khmer: 'Khmr', Myanmar: 'Mymr', Tibetan: 'Tibt', Ethiopic: 'Ethi',
  Cherokee: 'Cher', Canadian_Aboriginal: 'Cans',
  Han: 'Hans', Japanese: 'Jpan', Hiragana: 'Jpan', Katakana: 'Jpan', Hangul: 'Kore', Korean: 'Kore',
};

/** Parse `tesseract --psm 0` output; undefined when it holds no script line. */
export function parseOsd(stdout: string): ScriptDetection | undefined {
  const field = (name: string) => stdout.match(new RegExp(`^${name}:\\s*(.+?)\\s*$`, 'm'))?.[1];
  const detectorScript = field('Script');
  if (!detectorScript) return undefined;
  return {
    script: OSD_SCRIPTS[detectorScript],
    detectorScript,
    scriptConfidence: Number(field('Script confidence') ?? 0) || 0,
    rotate: Number(field('Rotate') ?? 0) || 0,
    orientationConfidence: Number(field('Orientation confidence') ?? 0) || 0,
  };
}

export interface TesseractOsdOptions extends TesseractCliOptions {
  /**
   * Characters OSD needs before it answers. Tesseract's default (50) makes it give up on single text
   * lines; 10 lets it answer there (measured: every dev line image of Arabic, Cyrillic and Latin
   * text got its script right), and the router verifies the answer by reading the page.
   */
  readonly minCharacters?: number;
  /**
   * Pages with more pixels are scaled down to this many before OSD (default 4 M, an A4 page at
   * 200 dpi). OSD classifies a sample of character blobs; on larger pages Tesseract's page layout,
   * not the classification, took the time (a 4110 × 4621 page 2.3 s, 0.8 s scaled to 4 M pixels).
   */
  readonly maxPixels?: number;
}

/** Script and orientation detection with Tesseract's OSD model (`osd.traineddata`, Debian tesseract-ocr-osd). */
export class TesseractOsd implements ScriptDetector {
  constructor(private readonly options: TesseractOsdOptions = {}) {}

  async detect(image: RasterImage, options: { timeoutMs?: number } = {}): Promise<ScriptDetection | undefined> {
    const png = await encodePng(image, { maxPixels: this.options.maxPixels ?? 4_000_000 });
    const args = ['stdin', 'stdout', '--psm', '0', '-c', `min_characters_to_try=${this.options.minCharacters ?? 10}`];
    const run = await runTesseract(args, png, { ...this.options, timeoutMs: options.timeoutMs ?? this.options.timeoutMs });
    // Exit code 1 with "Too few characters" is OSD declining to answer, not a failure.
    return run.exitCode === 0 ? parseOsd(run.stdout) : undefined;
  }
}

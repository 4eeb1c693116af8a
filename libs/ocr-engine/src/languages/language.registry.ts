import { UnknownLanguageError } from './language.errors';

/** ISO 15924 script codes the registry uses (`Latf` = Latin in Fraktur, `Jpan` = Han + kana, `Kore` = Hangul + Han). */
export type ScriptCode =
  | 'Latn' | 'Latf' | 'Cyrl' | 'Grek' | 'Armn' | 'Geor' | 'Hebr' | 'Arab' | 'Syrc' | 'Thaa'
  | 'Deva' | 'Beng' | 'Guru' | 'Gujr' | 'Orya' | 'Taml' | 'Telu' | 'Knda' | 'Mlym' | 'Sinh'
  | 'Thai' | 'Laoo' | 'Khmr' | 'Mymr' | 'Tibt' | 'Ethi' | 'Cher' | 'Cans'
  | 'Hans' | 'Hant' | 'Jpan' | 'Kore';

export type TextDirection = 'ltr' | 'rtl';

/** Which engine reads a language: the PP-OCRv4 ONNX pipeline or Tesseract 5's LSTM models. */
export type EngineKind = 'pp-ocrv4' | 'tesseract';

export interface LanguageEntry {
  /** The code users send: ISO 639-1 where one exists, else ISO 639-2/3, or BCP 47 (`sr-Latn`, `und-Cyrl`). */
  readonly code: string;
  readonly name: string;
  readonly script: ScriptCode;
  readonly direction: TextDirection;
  readonly engine: EngineKind;
  /** Tesseract traineddata names (`-l a+b`); also the fallback for `pp-ocrv4` languages. */
  readonly tesseract: readonly string[];
  /** Debian packages that provide those traineddata files. */
  readonly packages: readonly string[];
  /** Other codes accepted for this language (ISO 639-2/B and /T, 639-3, common tags). */
  readonly aliases: readonly string[];
}

/** One row of `GET /api/v1/languages/`. */
export interface LanguageListItem {
  code: string;
  name: string;
  script: ScriptCode;
  direction: TextDirection;
  engine: EngineKind;
  /** Whether the models for this language are present on this machine. */
  installed: boolean;
}

const RTL_SCRIPTS: ReadonlySet<ScriptCode> = new Set(['Arab', 'Hebr', 'Syrc', 'Thaa']);

/** Debian names the script-level models after the script; everything else is `tesseract-ocr-<model>`. */
const SCRIPT_MODEL_PACKAGES: Readonly<Record<string, string>> = {
  Latin: 'tesseract-ocr-script-latn',
  Cyrillic: 'tesseract-ocr-script-cyrl',
  Arabic: 'tesseract-ocr-script-arab',
  Devanagari: 'tesseract-ocr-script-deva',
};

/** The Debian package that ships `<model>.traineddata`. */
export function debianPackageForModel(model: string): string {
  return SCRIPT_MODEL_PACKAGES[model] ?? `tesseract-ocr-${model.toLowerCase().replaceAll('_', '-')}`;
}

// [code, name, script, tesseract models (space-separated), aliases (space-separated), engine]
type Row = readonly [string, string, ScriptCode, string, string, EngineKind?];

const ROWS: readonly Row[] = [
  // Latin script. Only plain English goes to PP-OCRv4: its dictionary lacks most accented letters.
  ['en', 'English', 'Latn', 'eng', 'eng', 'pp-ocrv4'],
  ['af', 'Afrikaans', 'Latn', 'afr', 'afr'],
  ['sq', 'Albanian', 'Latn', 'sqi', 'sqi alb'],
  ['az', 'Azerbaijani', 'Latn', 'aze', 'aze az-Latn'],
  ['eu', 'Basque', 'Latn', 'eus', 'eus baq'],
  ['bs', 'Bosnian', 'Latn', 'bos', 'bos'],
  ['br', 'Breton', 'Latn', 'bre', 'bre'],
  ['ca', 'Catalan', 'Latn', 'cat', 'cat'],
  ['ceb', 'Cebuano', 'Latn', 'ceb', ''],
  ['co', 'Corsican', 'Latn', 'cos', 'cos'],
  ['hr', 'Croatian', 'Latn', 'hrv', 'hrv'],
  ['cs', 'Czech', 'Latn', 'ces', 'ces cze'],
  ['da', 'Danish', 'Latn', 'dan', 'dan'],
  ['nl', 'Dutch', 'Latn', 'nld', 'nld dut'],
  ['enm', 'English, Middle (1100-1500)', 'Latn', 'enm', ''],
  ['eo', 'Esperanto', 'Latn', 'epo', 'epo'],
  ['et', 'Estonian', 'Latn', 'est', 'est'],
  ['fo', 'Faroese', 'Latn', 'fao', 'fao'],
  ['fil', 'Filipino', 'Latn', 'fil', 'tl tgl'],
  ['fi', 'Finnish', 'Latn', 'fin', 'fin'],
  ['fr', 'French', 'Latn', 'fra', 'fra fre'],
  ['frm', 'French, Middle (ca. 1400-1600)', 'Latn', 'frm', ''],
  ['gl', 'Galician', 'Latn', 'glg', 'glg'],
  ['de', 'German', 'Latn', 'deu', 'deu ger'],
  ['frk', 'German (Fraktur)', 'Latf', 'deu frk', 'de-Latf'],
  ['ht', 'Haitian Creole', 'Latn', 'hat', 'hat'],
  ['hu', 'Hungarian', 'Latn', 'hun', 'hun'],
  ['is', 'Icelandic', 'Latn', 'isl', 'isl ice'],
  ['id', 'Indonesian', 'Latn', 'ind', 'ind'],
  ['ga', 'Irish', 'Latn', 'gle', 'gle'],
  ['it', 'Italian', 'Latn', 'ita', 'ita'],
  ['jv', 'Javanese', 'Latn', 'jav', 'jav'],
  ['ku', 'Kurdish (Kurmanji)', 'Latn', 'kmr', 'kmr kur'],
  ['la', 'Latin', 'Latn', 'lat', 'lat'],
  ['lv', 'Latvian', 'Latn', 'lav', 'lav'],
  ['lt', 'Lithuanian', 'Latn', 'lit', 'lit'],
  ['lb', 'Luxembourgish', 'Latn', 'ltz', 'ltz'],
  ['ms', 'Malay', 'Latn', 'msa', 'msa may'],
  ['mt', 'Maltese', 'Latn', 'mlt', 'mlt'],
  ['mi', 'Maori', 'Latn', 'mri', 'mri mao'],
  ['no', 'Norwegian', 'Latn', 'nor', 'nor nb nn nob nno'],
  ['oc', 'Occitan', 'Latn', 'oci', 'oci'],
  ['pl', 'Polish', 'Latn', 'pol', 'pol'],
  ['pt', 'Portuguese', 'Latn', 'por', 'por'],
  ['qu', 'Quechua', 'Latn', 'que', 'que'],
  ['ro', 'Romanian', 'Latn', 'ron', 'ron rum mo'],
  ['gd', 'Scottish Gaelic', 'Latn', 'gla', 'gla'],
  ['sr-Latn', 'Serbian (Latin)', 'Latn', 'srp_latn', 'srp_latn'],
  ['sk', 'Slovak', 'Latn', 'slk', 'slk slo'],
  ['sl', 'Slovenian', 'Latn', 'slv', 'slv'],
  ['es', 'Spanish', 'Latn', 'spa', 'spa'],
  ['su', 'Sundanese', 'Latn', 'sun', 'sun'],
  ['sw', 'Swahili', 'Latn', 'swa', 'swa'],
  ['sv', 'Swedish', 'Latn', 'swe', 'swe'],
  ['to', 'Tongan', 'Latn', 'ton', 'ton'],
  ['tr', 'Turkish', 'Latn', 'tur', 'tur'],
  ['uz', 'Uzbek', 'Latn', 'uzb', 'uzb uz-Latn'],
  ['vi', 'Vietnamese', 'Latn', 'vie', 'vie'],
  ['cy', 'Welsh', 'Latn', 'cym', 'cym wel'],
  ['fy', 'Western Frisian', 'Latn', 'fry', 'fry'],
  ['yo', 'Yoruba', 'Latn', 'yor', 'yor'],
  ['und-Latn', 'Latin script (any language)', 'Latn', 'Latin', ''],
  // Cyrillic. Languages without a Tesseract pack of their own read with the Cyrillic script model.
  ['az-Cyrl', 'Azerbaijani (Cyrillic)', 'Cyrl', 'aze_cyrl', 'aze_cyrl'],
  ['ba', 'Bashkir', 'Cyrl', 'Cyrillic', 'bak'],
  ['be', 'Belarusian', 'Cyrl', 'bel', 'bel'],
  ['bg', 'Bulgarian', 'Cyrl', 'bul', 'bul'],
  ['ce', 'Chechen', 'Cyrl', 'Cyrillic', 'che'],
  ['cv', 'Chuvash', 'Cyrl', 'Cyrillic', 'chv'],
  ['kk', 'Kazakh', 'Cyrl', 'kaz', 'kaz'],
  ['kv', 'Komi', 'Cyrl', 'Cyrillic', 'kom kpv koi'],
  ['ky', 'Kyrgyz', 'Cyrl', 'kir', 'kir'],
  ['mk', 'Macedonian', 'Cyrl', 'mkd', 'mkd mac'],
  ['mn', 'Mongolian', 'Cyrl', 'mon', 'mon'],
  ['os', 'Ossetian', 'Cyrl', 'Cyrillic', 'oss'],
  ['ru', 'Russian', 'Cyrl', 'rus', 'rus'],
  ['sr', 'Serbian', 'Cyrl', 'srp', 'srp sr-Cyrl'],
  ['tg', 'Tajik', 'Cyrl', 'tgk', 'tgk'],
  ['tt', 'Tatar', 'Cyrl', 'tat', 'tat'],
  ['uk', 'Ukrainian', 'Cyrl', 'ukr', 'ukr'],
  ['uz-Cyrl', 'Uzbek (Cyrillic)', 'Cyrl', 'uzb_cyrl', 'uzb_cyrl'],
  ['sah', 'Yakut', 'Cyrl', 'Cyrillic', ''],
  ['und-Cyrl', 'Cyrillic script (any language)', 'Cyrl', 'Cyrillic', ''],
  // Greek, Armenian, Georgian
  ['el', 'Greek', 'Grek', 'ell', 'ell gre'],
  ['grc', 'Greek, Ancient (to 1453)', 'Grek', 'grc', ''],
  ['hy', 'Armenian', 'Armn', 'hye', 'hye arm'],
  ['ka', 'Georgian', 'Geor', 'kat', 'kat geo'],
  // Right to left
  ['he', 'Hebrew', 'Hebr', 'heb', 'heb iw'],
  ['yi', 'Yiddish', 'Hebr', 'yid', 'yid ji'],
  ['ar', 'Arabic', 'Arab', 'ara', 'ara'],
  ['fa', 'Persian', 'Arab', 'fas', 'fas per'],
  ['ur', 'Urdu', 'Arab', 'urd', 'urd'],
  ['ps', 'Pashto', 'Arab', 'pus', 'pus'],
  ['sd', 'Sindhi', 'Arab', 'snd', 'snd'],
  ['ug', 'Uyghur', 'Arab', 'uig', 'uig'],
  ['ckb', 'Kurdish (Sorani)', 'Arab', 'Arabic', ''],
  ['und-Arab', 'Arabic script (any language)', 'Arab', 'Arabic', ''],
  ['syr', 'Syriac', 'Syrc', 'syr', ''],
  ['dv', 'Divehi', 'Thaa', 'div', 'div'],
  // Indic
  ['hi', 'Hindi', 'Deva', 'hin', 'hin'],
  ['mr', 'Marathi', 'Deva', 'mar', 'mar'],
  ['ne', 'Nepali', 'Deva', 'nep', 'nep'],
  ['sa', 'Sanskrit', 'Deva', 'san', 'san'],
  ['und-Deva', 'Devanagari script (any language)', 'Deva', 'Devanagari', ''],
  ['bn', 'Bengali', 'Beng', 'ben', 'ben'],
  ['as', 'Assamese', 'Beng', 'asm', 'asm'],
  ['pa', 'Punjabi', 'Guru', 'pan', 'pan'],
  ['gu', 'Gujarati', 'Gujr', 'guj', 'guj'],
  ['or', 'Odia', 'Orya', 'ori', 'ori'],
  ['ta', 'Tamil', 'Taml', 'tam', 'tam'],
  ['te', 'Telugu', 'Telu', 'tel', 'tel'],
  ['kn', 'Kannada', 'Knda', 'kan', 'kan'],
  ['ml', 'Malayalam', 'Mlym', 'mal', 'mal'],
  ['si', 'Sinhala', 'Sinh', 'sin', 'sin'],
  // South-east Asian, Tibetan, Ethiopic, others
  ['th', 'Thai', 'Thai', 'tha', 'tha'],
  ['lo', 'Lao', 'Laoo', 'lao', 'lao'],
  ['km', 'Khmer', 'Khmr', 'khm', 'khm'],
  ['my', 'Burmese', 'Mymr', 'mya', 'mya bur'],
  ['bo', 'Tibetan', 'Tibt', 'bod', 'bod tib'],
  ['dz', 'Dzongkha', 'Tibt', 'dzo', 'dzo'],
  ['am', 'Amharic', 'Ethi', 'amh', 'amh'],
  ['ti', 'Tigrinya', 'Ethi', 'tir', 'tir'],
  ['chr', 'Cherokee', 'Cher', 'chr', ''],
  ['iu', 'Inuktitut', 'Cans', 'iku', 'iku'],
  // CJK. PP-OCRv4's Chinese + English model reads Han and ASCII Latin; it has no Hangul and few kana.
  ['ch', 'Chinese and English', 'Hans', 'chi_sim eng', '', 'pp-ocrv4'],
  ['zh', 'Chinese (Simplified)', 'Hans', 'chi_sim', 'zh-Hans zh-CN chi_sim chi zho', 'pp-ocrv4'],
  ['zh-Hant', 'Chinese (Traditional)', 'Hant', 'chi_tra', 'zh-TW zh-HK chi_tra cht'],
  ['ja', 'Japanese', 'Jpan', 'jpn', 'jpn'],
  ['ko', 'Korean', 'Kore', 'kor', 'kor'],
];

function toEntry([code, name, script, models, aliases, engine]: Row): LanguageEntry {
  const tesseract = models.split(' ');
  return Object.freeze({
    code,
    name,
    script,
    direction: RTL_SCRIPTS.has(script) ? 'rtl' : 'ltr',
    engine: engine ?? 'tesseract',
    tesseract: Object.freeze(tesseract),
    packages: Object.freeze([...new Set(tesseract.map(debianPackageForModel))]),
    aliases: Object.freeze(aliases ? aliases.split(' ') : []),
  });
}

/** Every supported language, in the order of the table above. */
export const LANGUAGES: readonly LanguageEntry[] = Object.freeze(ROWS.map(toEntry));

const BY_CODE: ReadonlyMap<string, LanguageEntry> = (() => {
  const map = new Map<string, LanguageEntry>();
  for (const entry of LANGUAGES) {
    for (const key of [entry.code, ...entry.aliases]) {
      const k = normalizeKey(key);
      if (map.has(k)) throw new Error(`language registry: duplicate code ${key}`);
      map.set(k, entry);
    }
  }
  return map;
})();

function normalizeKey(code: string): string {
  return code.trim().toLowerCase().replaceAll('_', '-');
}

/** The entry for one code (or alias), case-insensitive; undefined when unknown. */
export function findLanguage(code: string): LanguageEntry | undefined {
  return BY_CODE.get(normalizeKey(code));
}

/** The entry for one code (or alias), or a typed `unknown_language` error. */
export function resolveLanguage(code: string): LanguageEntry {
  const entry = findLanguage(code);
  if (!entry) throw new UnknownLanguageError(code);
  return entry;
}

/** A language request resolved: one code, or several joined by `+` (or `,`), e.g. `en+de`. */
export interface ResolvedLanguage {
  /** Canonical codes joined by `+`: what the page reports as its language. */
  readonly code: string;
  readonly entries: readonly LanguageEntry[];
  /** PP-OCRv4 only when every language in the request is one it reads. */
  readonly engine: EngineKind;
  /** Deduplicated traineddata names, in request order. */
  readonly tesseract: readonly string[];
}

/** Resolve `en`, `de+fr`, `en,de,fr` (the eval's hints) or aliases; `auto` is the router's business, not this. */
export function resolveLanguages(spec: string): ResolvedLanguage {
  const parts = spec.split(/[+,]/).map((p) => p.trim()).filter((p) => p.length > 0);
  if (parts.length === 0) throw new UnknownLanguageError(spec);
  const entries: LanguageEntry[] = [];
  for (const part of parts) {
    const entry = findLanguage(part);
    if (!entry) throw new UnknownLanguageError(parts.length > 1 ? `${part}" in "${spec}` : spec);
    if (!entries.includes(entry)) entries.push(entry);
  }
  return {
    code: entries.map((e) => e.code).join('+'),
    entries,
    engine: entries.every((e) => e.engine === 'pp-ocrv4') ? 'pp-ocrv4' : 'tesseract',
    tesseract: [...new Set(entries.flatMap((e) => e.tesseract))],
  };
}

/**
 * The language `auto` uses once it knows a page's script: the script-level model where the script
 * is shared by many languages (Latin, Cyrillic, Arabic, Devanagari), else the script's one language.
 */
export const AUTO_LANGUAGE_FOR_SCRIPT: Readonly<Record<ScriptCode, string>> = {
  Latn: 'und-Latn', Latf: 'frk', Cyrl: 'und-Cyrl', Grek: 'el', Armn: 'hy', Geor: 'ka',
  Hebr: 'he', Arab: 'und-Arab', Syrc: 'syr', Thaa: 'dv',
  Deva: 'und-Deva', Beng: 'bn', Guru: 'pa', Gujr: 'gu', Orya: 'or', Taml: 'ta', Telu: 'te',
  Knda: 'kn', Mlym: 'ml', Sinh: 'si',
  Thai: 'th', Laoo: 'lo', Khmr: 'km', Mymr: 'my', Tibt: 'bo', Ethi: 'am', Cher: 'chr', Cans: 'iu',
  Hans: 'ch', Hant: 'zh-Hant', Jpan: 'ja', Kore: 'ko',
};

/** Every Debian package the registry needs (plus the engine and its script/orientation model), sorted. */
export function debianPackages(): string[] {
  const packages = new Set(['tesseract-ocr', 'tesseract-ocr-osd']);
  for (const entry of LANGUAGES) for (const p of entry.packages) packages.add(p);
  return [...packages].sort();
}

/** The list `GET /api/v1/languages/` serves; `installedModels` = traineddata names present here. */
export function listLanguagesFrom(installedModels: ReadonlySet<string>): LanguageListItem[] {
  return LANGUAGES.map((e) => ({
    code: e.code,
    name: e.name,
    script: e.script,
    direction: e.direction,
    engine: e.engine,
    // PP-OCRv4's models ship in an npm package; Tesseract's come from Debian packages.
    installed: e.engine === 'pp-ocrv4' || e.tesseract.every((m) => installedModels.has(m)),
  }));
}

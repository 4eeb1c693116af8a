import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UnknownLanguageError } from './language.errors';
import {
  AUTO_LANGUAGE_FOR_SCRIPT,
  LANGUAGES,
  debianPackages,
  findLanguage,
  listLanguagesFrom,
  resolveLanguage,
  resolveLanguages,
} from './language.registry';

describe('language registry', () => {
  it('lists more than 100 languages, each with a name, script, direction, engine and Debian package', () => {
    expect(LANGUAGES.length).toBeGreaterThanOrEqual(100);
    for (const entry of LANGUAGES) {
      expect(entry.name.length).toBeGreaterThan(0);
      expect(entry.tesseract.length).toBeGreaterThan(0);
      expect(entry.packages.every((p) => p.startsWith('tesseract-ocr-'))).toBe(true);
    }
  });

  it('knows the codes users send, case-insensitively and by ISO 639-2/3 alias', () => {
    for (const code of ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'pl', 'cs', 'ru', 'uk', 'bg', 'sr', 'el', 'he', 'ar', 'fa', 'ur',
      'hi', 'mr', 'ne', 'sa', 'bn', 'ta', 'te', 'kn', 'ml', 'gu', 'pa', 'th', 'vi', 'tr', 'ja', 'ko', 'zh', 'ch', 'kv', 'syr']) {
      expect(resolveLanguage(code).code).toBe(code);
    }
    expect(resolveLanguage('DE').code).toBe('de');
    expect(resolveLanguage('deu').code).toBe('de');
    expect(resolveLanguage('kpv').code).toBe('kv');
    expect(resolveLanguage('zh_TW').code).toBe('zh-Hant');
  });

  it('sends Chinese and plain English to PP-OCRv4 and accented Latin and other scripts to Tesseract', () => {
    expect(['en', 'ch', 'zh'].map((c) => resolveLanguage(c).engine)).toEqual(['pp-ocrv4', 'pp-ocrv4', 'pp-ocrv4']);
    for (const code of ['de', 'fr', 'vi', 'ru', 'ar', 'hi', 'kn', 'el', 'he', 'th', 'syr', 'ja', 'ko']) {
      expect(resolveLanguage(code).engine).toBe('tesseract');
    }
  });

  it('reads Komi with the Cyrillic script model and writes Arabic, Hebrew and Syriac right to left', () => {
    expect(resolveLanguage('kv')).toMatchObject({ script: 'Cyrl', tesseract: ['Cyrillic'], packages: ['tesseract-ocr-script-cyrl'] });
    expect(['ar', 'he', 'syr', 'fa', 'ur'].map((c) => resolveLanguage(c).direction)).toEqual(['rtl', 'rtl', 'rtl', 'rtl', 'rtl']);
    expect(resolveLanguage('ru').direction).toBe('ltr');
  });

  it('rejects an unknown code with a typed unknown_language error', () => {
    expect(() => resolveLanguage('xx')).toThrow(UnknownLanguageError);
    expect(() => resolveLanguage('xx')).toThrow(expect.objectContaining({ code: 'unknown_language', language: 'xx' }));
    expect(() => resolveLanguages('en+klingon')).toThrow(/unknown language "klingon" in "en\+klingon"/);
    expect(() => resolveLanguages(' ')).toThrow(UnknownLanguageError);
    expect(findLanguage('auto')).toBeUndefined();
  });

  it('resolves several languages joined by + or , into one Tesseract call', () => {
    expect(resolveLanguages('en,de,fr')).toMatchObject({ code: 'en+de+fr', engine: 'tesseract', tesseract: ['eng', 'deu', 'fra'] });
    expect(resolveLanguages('zh+en')).toMatchObject({ code: 'zh+en', engine: 'pp-ocrv4' });
    expect(resolveLanguages('hi+sa').tesseract).toEqual(['hin', 'san']);
  });

  it('has an auto language for every script, and it is a known code', () => {
    for (const code of Object.values(AUTO_LANGUAGE_FOR_SCRIPT)) expect(findLanguage(code)).toBeDefined();
  });

  it('ships debian-packages.txt with exactly the packages the registry needs', () => {
    const file = readFileSync(join(__dirname, 'debian-packages.txt'), 'utf8').trim().split('\n');
    expect(file).toEqual(debianPackages());
    expect(file).toEqual(expect.arrayContaining(['tesseract-ocr', 'tesseract-ocr-osd', 'tesseract-ocr-ara', 'tesseract-ocr-script-cyrl']));
  });

  it('marks a language installed only when all its traineddata files are present', () => {
    const list = listLanguagesFrom(new Set(['eng', 'rus']));
    expect(list.find((l) => l.code === 'ru')).toEqual({ code: 'ru', name: 'Russian', script: 'Cyrl', direction: 'ltr', engine: 'tesseract', installed: true });
    expect(list.find((l) => l.code === 'de')?.installed).toBe(false);
    expect(list.find((l) => l.code === 'frk')?.installed).toBe(false);
    expect(list).toHaveLength(LANGUAGES.length);
  });
});

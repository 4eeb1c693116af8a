import type { ScriptCode } from '../languages/language.registry';

/** Unicode script property values that count as each ISO 15924 script. */
const UNICODE_SCRIPTS: Readonly<Record<ScriptCode, readonly string[]>> = {
  Latn: ['Latin'], Latf: ['Latin'], Cyrl: ['Cyrillic'], Grek: ['Greek'], Armn: ['Armenian'], Geor: ['Georgian'],
  Hebr: ['Hebrew'], Arab: ['Arabic'], Syrc: ['Syriac'], Thaa: ['Thaana'],
  Deva: ['Devanagari'], Beng: ['Bengali'], Guru: ['Gurmukhi'], Gujr: ['Gujarati'], Orya: ['Oriya'], Taml: ['Tamil'],
  Telu: ['Telugu'], Knda: ['Kannada'], Mlym: ['Malayalam'], Sinh: ['Sinhala'],
  Thai: ['Thai'], Laoo: ['Lao'], Khmr: ['Khmer'], Mymr: ['Myanmar'], Tibt: ['Tibetan'], Ethi: ['Ethiopic'],
  Cher: ['Cherokee'], Cans: ['Canadian_Aboriginal'],
  Hans: ['Han'], Hant: ['Han'], Jpan: ['Han', 'Hiragana', 'Katakana'], Kore: ['Hangul', 'Han'],
};

const PATTERNS = new Map<ScriptCode, RegExp>(
  Object.entries(UNICODE_SCRIPTS).map(([code, names]) => [
    code as ScriptCode,
    new RegExp(names.map((n) => `\\p{Script=${n}}`).join('|'), 'u'),
  ]),
);

/** Share of the letters (and combining marks) of `text` that belong to `script`; 0 for no letters. */
export function scriptShare(text: string, script: ScriptCode): number {
  const pattern = PATTERNS.get(script)!;
  let letters = 0;
  let inScript = 0;
  for (const ch of text) {
    if (!/\p{L}/u.test(ch)) continue;
    letters++;
    if (pattern.test(ch)) inScript++;
  }
  return letters === 0 ? 0 : inScript / letters;
}

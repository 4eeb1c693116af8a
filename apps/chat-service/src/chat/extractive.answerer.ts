import type { BBox } from '@ocr/documents';
import type { Intent, Question } from './question';
import { GENERIC_TERMS, INTENT_VOCABULARY } from './question';

/** One indexed line of a page: the unit that is retrieved and cited. */
export interface Chunk {
  page: number;
  seq: number;
  text: string;
  bbox: BBox | [];
}

export interface Citation {
  page: number;
  snippet: string;
  bbox: number[];
}

export interface Answer {
  content: string;
  citations: Citation[];
}

/** An amount with two decimals ("1,234.50", "8.20", "RM 14.10"); not part of a longer number or a date. */
const MONEY_G = /(?<![\p{N}.,])\p{N}{1,3}(?:[,.\s]?\p{N}{3})*[.,]\p{N}{2}(?![.,]?\p{N})/gu;
const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?';
/** Numeric dates (day/month or month/day, ISO), also with the spaces OCR puts around separators, and dates with a month name. */
const DATE_G = new RegExp(
  [
    '(?<!\\d)\\d{1,2} ?[/.-] ?\\d{1,2} ?[/.-] ?(?:\\d{4}|\\d{2})(?!\\d)',
    '(?<!\\d)\\d{4} ?[/.-] ?\\d{1,2} ?[/.-] ?\\d{1,2}(?!\\d)',
    `(?<!\\d)\\d{1,2}(?:st|nd|rd|th)? ?[ -]${MONTH}[ -,]? ?\\d{2,4}(?!\\d)`,
    `\\b${MONTH} \\d{1,2}(?:st|nd|rd|th)?,? \\d{4}(?!\\d)`,
  ].join('|'),
  'gi',
);
const ADDRESS_WORDS =
  /\b(?:jalan|jln|lorong|lrg|taman|tmn|persiaran|lebuh|kampung|kg|road|rd|street|st|avenue|ave|boulevard|blvd|lane|ln|drive|dr|way|highway|lot|floor|flr|level|plaza|kawasan|building|bldg|block|blk|suite|unit|tower|mall|square|park)\b/gi;
const POSTCODE = /(?<![\p{N}-])\p{N}{5}(?![\p{N}-])/u;
const HOUSE_NUMBER = /^\s*(?:no\.?\s*)?\d+[a-z]?\s*,/i;
const LEGAL_SUFFIX =
  /\b(?:sdn\.?\s*bhd|bhd|s\/b|inc|llc|ltd|limited|gmbh|corp|corporation|company|plc|pte|trading|enterprises?|co)\b\.?/i;
/** Lines that end an address or name something else: contact details, tax ids, the document's own fields. */
const NOT_ADDRESS =
  /\b(?:tel|phone|fax|gst|sst|vat|reg|tin|abn|ein|email|e-mail|www|http|date|time|cashier|table|order|member|counter|pax|server|bill)\b|invoice|receipt|\.com|@/i;
const REGISTRATION_ONLY = /^[\s(]*[\p{N}-]{5,}\s*-?\s*[A-Z]?[\s)]*$/u;

/** What each intent looks for on a line (used by the generic ranking as a bonus). */
export const INTENT_PATTERNS: Readonly<Record<Intent, RegExp>> = {
  amount: new RegExp(MONEY_G.source, 'u'),
  date: new RegExp(DATE_G.source, 'i'),
  company: LEGAL_SUFFIX,
  address: new RegExp(`${ADDRESS_WORDS.source}|${POSTCODE.source}`, 'iu'),
};


/** The decline, said plainly; it has no citation. */
export function declined(question: string): Answer {
  return {
    content: `I could not find the answer to "${question.trim()}" in this document's text.`,
    citations: [],
  };
}

const cite = (c: Chunk): Citation => ({ page: c.page, snippet: c.text.trim(), bbox: [...c.bbox] });
const wordsOf = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+(?:[.,][\p{N}]+)*/gu) ?? [];
const lettersOf = (text: string) => (text.match(/\p{L}/gu) ?? []).length;

function termMatches(chunk: Chunk, terms: string[]): string[] {
  const words = wordsOf(chunk.text);
  return terms.filter((t) => words.some((w) => w === t || (t.length >= 4 && w.startsWith(t))));
}

function byPosition(a: Chunk, b: Chunk): number {
  return a.page - b.page || a.seq - b.seq;
}

/**
 * The grand total: the largest amount on a line labelled as a total (not a subtotal, a count, a tax
 * or a saving, judged by the words just before the amount); on a tie, a "net/grand/rounded/
 * inclusive" label, then the later line. Without any total line, an "amount due / balance /
 * payable" line.
 */
function totalAnswer(lines: Chunk[]): Answer | null {
  const found: { chunk: Chunk; value: number; shown: string; strong: boolean }[] = [];
  for (const chunk of lines) {
    const amounts = [...chunk.text.matchAll(MONEY_G)];
    const last = amounts[amounts.length - 1];
    if (!last) continue;
    const before = amounts.length > 1 ? amounts[amounts.length - 2]! : null;
    const label = chunk.text.slice(before ? before.index! + before[0].length : 0, last.index).toLowerCase();
    const isTotal = /total|amount\s*due|balance\s*due|payable|grand/.test(label);
    const isFallback = /\b(?:amount|due|balance|pay|paid|sum)\b/.test(label);
    if (!isTotal && !isFallback) continue;
    if (/sub\s*-?\s*tota|total\s*(?:qty|quantity|items?|saving|savings|discount|disc|gst|tax|vat|sst|excl)|excl|before|tax\s*amt|\bqty\b|\bitems?\b/.test(label)) continue;
    const value = Number(last[0].replace(/[\s,](?=\d{3}\b)/g, '').replace(',', '.'));
    if (!Number.isFinite(value)) continue;
    found.push({ chunk, value: isTotal ? value : -1 / (1 + value), shown: last[0], strong: /net|grand|round|inclusive|incl|due|payable/.test(label) });
  }
  if (found.length === 0) return null;
  found.sort((a, b) => b.value - a.value || Number(b.strong) - Number(a.strong) || byPosition(b.chunk, a.chunk));
  const best = found[0]!;
  return { content: `The total is ${best.shown.trim()}: "${best.chunk.text.trim()}" (p. ${best.chunk.page})`, citations: [cite(best.chunk)] };
}

/** The document's date: a line with a date, those labelled "date" first, then the earliest. */
function dateAnswer(lines: Chunk[]): Answer | null {
  const found: { chunk: Chunk; shown: string; labelled: boolean }[] = [];
  for (const chunk of lines) {
    const match = [...chunk.text.matchAll(DATE_G)].find((m) => plausibleDate(m[0]));
    if (match) found.push({ chunk, shown: match[0], labelled: /date|\bdt\b|dated/i.test(chunk.text) });
  }
  if (found.length === 0) return null;
  found.sort((a, b) => Number(b.labelled) - Number(a.labelled) || byPosition(a.chunk, b.chunk));
  const best = found[0]!;
  return { content: `The date is ${best.shown}: "${best.chunk.text.trim()}" (p. ${best.chunk.page})`, citations: [cite(best.chunk)] };
}

function plausibleDate(text: string): boolean {
  const parts = text.split(/\s*[/.-]\s*/).map(Number);
  if (parts.length !== 3 || parts.some((p) => !Number.isFinite(p))) return true; // a month name: the regex was enough
  const [a, b, c] = parts as [number, number, number];
  if (String(text).trim().match(/^\d{4}/)) return b >= 1 && b <= 12 && c >= 1 && c <= 31;
  const dayMonth = a >= 1 && a <= 31 && b >= 1 && b <= 12;
  const monthDay = a >= 1 && a <= 12 && b >= 1 && b <= 31;
  return dayMonth || monthDay;
}

/**
 * The issuer: among the first lines of the first page (where a document names who issued it),
 * a line that reads as a name (mostly letters, not an address, a date or contact details);
 * a legal form (Sdn Bhd, Inc, Ltd, Co …) counts most, then being near the top.
 */
function companyAnswer(leading: Chunk[]): Answer | null {
  let best: { chunk: Chunk; s: number } | null = null;
  let rank = 0;
  for (const chunk of leading.slice(0, 8)) {
    const text = chunk.text.trim();
    const compact = text.replace(/\s+/g, '');
    if (lettersOf(text) < 3 || lettersOf(text) < 0.4 * compact.length) continue;
    const legal = LEGAL_SUFFIX.test(text);
    // A line with a legal form names the issuer even when OCR joined its registration details to it.
    if (!legal && (NOT_ADDRESS.test(text) || addressEvidence(text) >= 2 || [...text.matchAll(DATE_G)].length > 0)) continue;
    const s = (legal ? 3 : 0) + Math.max(0, 2 - rank);
    rank++;
    if (!best || s > best.s) best = { chunk, s };
  }
  if (!best) return null;
  return { content: `Issued by ${best.chunk.text.trim()} (p. ${best.chunk.page})`, citations: [cite(best.chunk)] };
}

/** How much a line reads like part of a postal address. */
function addressEvidence(text: string): number {
  let s = 2 * Math.min(2, [...text.matchAll(ADDRESS_WORDS)].length);
  if (POSTCODE.test(text)) s += 2;
  if (HOUSE_NUMBER.test(text)) s += 1;
  if (/\d/.test(text) && /,\s*$/.test(text)) s += 1;
  return s;
}

const stopsAddress = (text: string) => NOT_ADDRESS.test(text) || REGISTRATION_ONLY.test(text.trim()) || LEGAL_SUFFIX.test(text);

/**
 * The postal address: the line that reads most like one (street words, a postcode, a house
 * number), extended over the lines around it that continue it — up while they read like address
 * lines, down through place names until the postcode line (and a one-word state or country after
 * it) — never across contact details, tax ids or the issuer's name. At most five lines.
 */
function addressAnswer(lines: Chunk[]): Answer | null {
  let seed: Chunk | null = null;
  let seedScore = 1;
  for (const chunk of lines) {
    if (stopsAddress(chunk.text)) continue;
    const s = addressEvidence(chunk.text);
    if (s > seedScore) [seed, seedScore] = [chunk, s];
  }
  if (!seed) return null;
  const at = new Map(lines.filter((c) => c.page === seed!.page).map((c) => [c.seq, c]));
  const picked = [seed];
  for (let seq = seed.seq - 1; picked.length < 5; seq--) {
    const up = at.get(seq);
    if (!up || stopsAddress(up.text) || addressEvidence(up.text) < 2) break;
    picked.unshift(up);
  }
  let postcodeSeen = picked.some((c) => POSTCODE.test(c.text));
  for (let seq = seed.seq + 1; picked.length < 5; seq++) {
    const down = at.get(seq);
    if (!down || stopsAddress(down.text)) break;
    const text = down.text.trim();
    const plain = !/\d/.test(text) && lettersOf(text) >= 2;
    if (postcodeSeen) {
      if (plain && text.split(/\s+/).length === 1) picked.push(down);
      break;
    }
    if (addressEvidence(text) > 0 || (plain && text.split(/\s+/).length <= 4)) {
      picked.push(down);
      postcodeSeen = POSTCODE.test(text);
      continue;
    }
    break;
  }
  return {
    content: `The address is ${picked.map((c) => c.text.trim()).join(' ')} (p. ${seed.page})`,
    citations: picked.map(cite),
  };
}

const EXTRACTORS: Record<Intent, (lines: Chunk[], leading: Chunk[]) => Answer | null> = {
  amount: (lines) => totalAnswer(lines),
  date: (lines) => dateAnswer(lines),
  company: (_lines, leading) => companyAnswer(leading),
  address: (lines) => addressAnswer(lines),
};

/**
 * The offline answerer. A question that only asks for a kind of value (the total, the date, the
 * issuer, the address) is answered by that kind's extractor; one with other content words by the
 * lines that share most of them (with a bonus for the asked-for kind of value), and only when a
 * line holds at least half of those words, one of them specific. Otherwise it declines. Answers
 * quote the lines verbatim and cite them with page and box. `leading` are the first lines of the
 * first page, where a document names its issuer and address.
 */
export function extractiveAnswer(questionText: string, question: Question, retrieved: Chunk[], leading: Chunk[] = []): Answer {
  const candidates = new Map<string, Chunk>();
  for (const c of [...leading, ...retrieved]) if (c.text.trim() !== '') candidates.set(`${c.page}:${c.seq}`, c);
  const lines = [...candidates.values()].sort(byPosition);
  const topic = question.terms.filter((t) => !INTENT_VOCABULARY.has(t));

  if (question.intents.size > 0 && topic.length === 0) {
    for (const intent of question.intents) {
      const answer = EXTRACTORS[intent](lines, leading);
      if (answer) return answer;
    }
    return declined(questionText);
  }

  const terms = topic.length > 0 ? topic : question.terms;
  if (terms.length === 0) return declined(questionText);
  const ranked = lines
    .map((chunk) => {
      const matched = termMatches(chunk, terms);
      let s = matched.length;
      for (const intent of question.intents) if (INTENT_PATTERNS[intent].test(chunk.text)) s += 0.5;
      return { chunk, matched, s };
    })
    .filter((r) => r.matched.length >= Math.max(1, terms.length / 2) && r.matched.some((t) => !GENERIC_TERMS.has(t)))
    .sort((a, b) => b.s - a.s || byPosition(a.chunk, b.chunk));
  const best = ranked[0];
  if (!best) return declined(questionText);
  return { content: `${best.chunk.text.trim()} (p. ${best.chunk.page})`, citations: [cite(best.chunk)] };
}

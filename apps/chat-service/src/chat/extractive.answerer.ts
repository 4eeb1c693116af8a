import type { BBox } from '@ocr/documents';
import type { Intent, Question } from './question';

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

const MONEY = /(?:^|[^\p{N}])\p{N}{1,3}(?:[,.\s]?\p{N}{3})*[.,]\p{N}{2}(?![\p{N}])/u;
const DATE =
  /\b(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{2,4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4})\b/i;
const ADDRESS = /\b(?:jalan|jln|road|rd|street|st|avenue|ave|lorong|taman|blvd|lane|drive|no\.?\s*\d+|\d{5})\b/i;
const COMPANY = /\b(?:sdn\.?\s*bhd|bhd|inc|llc|ltd|limited|gmbh|corp|corporation|company|co\.|enterprise|trading|plc)\b/i;

/** The pattern a line must show to answer an intent. */
export const INTENT_PATTERNS: Readonly<Record<Intent, RegExp>> = { amount: MONEY, date: DATE, company: COMPANY, address: ADDRESS };

/** The decline, said plainly; it has no citation. */
export function declined(question: string): Answer {
  return {
    content: `I could not find the answer to "${question.trim()}" in this document's text.`,
    citations: [],
  };
}

function score(chunk: Chunk, question: Question): number {
  const words = new Set(chunk.text.toLowerCase().match(/[\p{L}\p{N}]+(?:[.,][\p{N}]+)*/gu) ?? []);
  let s = 0;
  for (const term of question.terms) if (words.has(term) || [...words].some((w) => w.startsWith(term) && term.length >= 4)) s += 1;
  for (const intent of question.intents) {
    if (!INTENT_PATTERNS[intent].test(chunk.text)) continue;
    s += 2;
    // "TOTAL 42.00" answers "what is the total?" better than any other amount.
    if (intent === 'amount' && /\btotal\b/i.test(chunk.text) && !/\bsub\s*-?total\b/i.test(chunk.text)) s += 2;
  }
  return s;
}

/**
 * The offline answerer: ranks the retrieved lines by the question's words and what it asks for
 * (an amount, a date, a company, an address), answers with the best line(s) quoted verbatim and
 * cited, and declines when no line shares a word or the asked-for kind of value with the question.
 * `leading` are the first lines of the first page, where a document names its issuer.
 */
export function extractiveAnswer(questionText: string, question: Question, retrieved: Chunk[], leading: Chunk[] = []): Answer {
  const candidates = new Map<string, Chunk>();
  for (const c of [...retrieved, ...leading]) candidates.set(`${c.page}:${c.seq}`, c);
  const ranked = [...candidates.values()]
    .map((chunk) => {
      let s = score(chunk, question);
      // A company is named at the top of its document, even without "Sdn Bhd" or "Inc".
      if (question.intents.has('company') && leading.some((l) => l.page === chunk.page && l.seq === chunk.seq)) {
        s += leading[0].seq === chunk.seq && leading[0].page === chunk.page ? 2 : 1;
      }
      return { chunk, s };
    })
    .filter((r) => r.s > 0 && r.chunk.text.trim() !== '')
    .sort((a, b) => b.s - a.s || a.chunk.page - b.chunk.page || a.chunk.seq - b.chunk.seq);
  if (ranked.length === 0) return declined(questionText);
  const best = ranked[0];
  const picked = [best.chunk];
  // An address runs over consecutive lines: keep the neighbours that read like one.
  if (question.intents.has('address')) {
    for (const r of ranked.slice(1)) {
      const last = picked[picked.length - 1];
      if (r.chunk.page === best.chunk.page && Math.abs(r.chunk.seq - last.seq) === 1 && picked.length < 3) picked.push(r.chunk);
    }
    picked.sort((a, b) => a.seq - b.seq);
  }
  const quoted = picked.map((c) => c.text.trim()).join(' / ');
  return {
    content: `${quoted} (p. ${best.chunk.page})`,
    citations: picked.map((c) => ({ page: c.page, snippet: c.text.trim(), bbox: [...c.bbox] })),
  };
}

/** What a question asks for, beyond its words. */
export type Intent = 'amount' | 'date' | 'company' | 'address';

export interface Question {
  /** Content words and numbers, lowercased, stop words dropped, in order, without repeats. */
  terms: string[];
  intents: Set<Intent>;
}

const STOP_WORDS = new Set(
  `a an and are as at be by can could did do does for from has have how i in is it its of on or please show
  tell that the their them there these this those to was what when where which who whom whose why will with
  would you your me my we our about any find give list get says say document page receipt invoice he she him his
  her hers they them their also`.split(/\s+/),
);

const INTENT_WORDS: Record<Intent, RegExp> = {
  amount: /\b(total|amount|sum|price|cost|paid|pay|due|balance|how much|charge[sd]?)\b/i,
  date: /\b(date|dated|when|day|issued on)\b/i,
  company: /\b(company|issued|issuer|vendor|merchant|store|shop|seller|business)\b/i,
  address: /\b(address|located|location|where)\b/i,
};

/** Question words that name what is asked for (an intent), not what it is about. */
export const INTENT_VOCABULARY = new Set(
  `total amount sum price cost paid pay due balance much charge charged charges grand net nett date dated when day
  company issued issuer vendor merchant store shop seller business address located location where`.split(/\s+/),
);

/** Words so common in questions that matching one of them alone is no evidence of an answer. */
export const GENERIC_TERMS = new Set(['name', 'number', 'no', 'type', 'value', 'details', 'detail', 'info', 'information', 'kind', 'many']);

/** The words that say what a question is about, beyond the kind of value it asks for and generic words. */
export function specificTerms(question: Question): string[] {
  return question.terms.filter((t) => !INTENT_VOCABULARY.has(t) && !GENERIC_TERMS.has(t));
}

/** Words, numbers and amounts of a text as full-text terms (letters and digits only, so safe in a tsquery). */
export function termsOf(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+(?:[.,][\p{N}]+)*/gu) ?? [];
  return [...new Set(words.filter((w) => !STOP_WORDS.has(w) && (w.length > 1 || /\p{N}/u.test(w))))];
}

export function analyzeQuestion(text: string): Question {
  const intents = new Set<Intent>();
  for (const [intent, pattern] of Object.entries(INTENT_WORDS) as [Intent, RegExp][]) {
    if (pattern.test(text)) intents.add(intent);
  }
  // "Who issued it?" asks for the company, not a date; "when" alone asks for a date.
  if (intents.has('company') && intents.has('date') && !/\b(date|when)\b/i.test(text)) intents.delete('date');
  return { terms: termsOf(text), intents };
}

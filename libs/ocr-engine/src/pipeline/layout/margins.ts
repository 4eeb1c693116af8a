import type { BBox } from '@ocr/documents';
import { median } from '../assemble/xy-cut';

export interface MarginOptions {
  /** A page header lies in this top share of the page height (its bottom edge), a footer in this bottom share (its top edge). */
  readonly band: number;
  /** …and is separated from the body by a gap of at least this many median line heights. */
  readonly minGap: number;
  /** At most this many boxes form the header (or the footer): a running title and a page number, not a paragraph. */
  readonly maxBoxes: number;
  /** A header or footer line is no taller than this many median line heights (a title is a heading, not a header). */
  readonly maxHeightRatio: number;
  /** The body must keep at least this many boxes for margins to be told apart at all (a table crop or a label has no margins). */
  readonly minBodyBoxes: number;
  /** Footnote lines are smaller than this share of the body's median line height. */
  readonly footnoteHeightRatio: number;
  /** Footnotes are at most this share of the body's boxes. */
  readonly maxFootnoteShare: number;
}

export const MARGIN_DEFAULTS: MarginOptions = {
  band: 0.08,
  minGap: 1.5,
  maxBoxes: 3,
  maxHeightRatio: 1.25,
  minBodyBoxes: 5,
  footnoteHeightRatio: 0.85,
  maxFootnoteShare: 0.3,
};

export interface PageMargins<T> {
  header: T[];
  body: T[];
  footnotes: T[];
  footer: T[];
}

/** A footnote's marker: a number (also superscript), or a symbol, at the start of the line. */
export const FOOTNOTE_MARKER = /^(?:([¹²³⁴⁵⁶⁷⁸⁹⁰]{1,3})\s*|(\d{1,2})(?:[.):]?\s+|(?=\p{Lu}))|([*†‡§]{1,3})\s*)(?=\S)/u;

/**
 * Page margins: a header (boxes in the top band, short, few, separated from the body below by a
 * clear gap), a footer (the same at the bottom: a page number, a running title) and footnotes
 * (boxes smaller than the body's text, below every line of body-size text, the first starting
 * with a marker). What is not one of them is the body, in the order given.
 * Boxes are page pixels of an upright page.
 */
export function splitMargins<T extends { readonly text: string }>(items: readonly T[], boxOf: (item: T) => BBox, page: { width: number; height: number }, options: MarginOptions = MARGIN_DEFAULTS): PageMargins<T> {
  const none: PageMargins<T> = { header: [], body: [...items], footnotes: [], footer: [] };
  if (items.length < options.minBodyBoxes + 1 || page.height <= 0) return none;
  const boxes = new Map(items.map((i) => [i, boxOf(i)] as const));
  const h = (i: T) => boxes.get(i)![3] - boxes.get(i)![1];
  const lineHeight = median(items.map(h));
  if (lineHeight <= 0) return none;

  const marginal = (side: 'top' | 'bottom'): T[] => {
    const inBand = items.filter((i) => {
      const b = boxes.get(i)!;
      return side === 'top' ? b[3] <= options.band * page.height : b[1] >= (1 - options.band) * page.height;
    });
    if (inBand.length === 0 || inBand.length > options.maxBoxes) return [];
    if (inBand.some((i) => h(i) > options.maxHeightRatio * lineHeight)) return [];
    const rest = items.filter((i) => !inBand.includes(i));
    if (rest.length < options.minBodyBoxes) return [];
    const gap =
      side === 'top'
        ? Math.min(...rest.map((i) => boxes.get(i)![1])) - Math.max(...inBand.map((i) => boxes.get(i)![3]))
        : Math.min(...inBand.map((i) => boxes.get(i)![1])) - Math.max(...rest.map((i) => boxes.get(i)![3]));
    return gap >= options.minGap * lineHeight ? inBand : [];
  };
  const header = marginal('top');
  const footer = marginal('bottom').filter((i) => !header.includes(i));
  const body = items.filter((i) => !header.includes(i) && !footer.includes(i));

  // Footnotes: small text below every line of body-size text.
  const bodyHeight = median(body.map(h));
  const small = (i: T) => h(i) < options.footnoteHeightRatio * bodyHeight;
  const full = body.filter((i) => !small(i));
  let footnotes: T[] = [];
  if (full.length > 0) {
    const lastFull = Math.max(...full.map((i) => boxes.get(i)![3]));
    const below = body.filter((i) => small(i) && boxes.get(i)![1] >= lastFull - 0.25 * bodyHeight);
    const top = [...below].sort((a, b) => boxes.get(a)![1] - boxes.get(b)![1] || boxes.get(a)![0] - boxes.get(b)![0]);
    const markerFirst = top.length > 0 && FOOTNOTE_MARKER.test(top[0]!.text.trim());
    if (markerFirst && below.length <= options.maxFootnoteShare * body.length && below.length < body.length) footnotes = below;
  }
  return { header, body: body.filter((i) => !footnotes.includes(i)), footnotes, footer };
}

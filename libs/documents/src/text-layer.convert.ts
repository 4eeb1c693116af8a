import type { BBox, Block, BlockKind, Line, PageOcr } from './job-document';
import type { TextLayerLine, TextLayerPage } from './text-layer.extract';

export interface TextLayerToPageOptions {
  /** Reported as the page's `language` (the text layer has none of its own); default `auto`. */
  language?: string;
  /** A vertical gap wider than this many line heights starts a new block. */
  paragraphGap?: number;
  /** A block of one or two lines this many times taller than the page's median line is a heading. */
  headingRatio?: number;
}

const union = (boxes: readonly BBox[]): BBox => [
  Math.min(...boxes.map((b) => b[0])),
  Math.min(...boxes.map((b) => b[1])),
  Math.max(...boxes.map((b) => b[2])),
  Math.max(...boxes.map((b) => b[3])),
];

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const height = (line: TextLayerLine) => line.bbox[3] - line.bbox[1];

/** Keep a paragraph from reading as markdown syntax (a leading #, >, +, an ordered-list number or a pipe). */
function escapeMarkdown(text: string): string {
  return text.replace(/^([#>+]|\d+[.)]\s)/, '\\$1').replace(/\|/g, '\\|');
}

/**
 * A page's text layer as the engines' page result (`PageOcr`): lines grouped into blocks
 * (paragraphs split at vertical gaps and column changes, tall short blocks as headings), every
 * word, line and block at confidence 1.0 (the text is the document's own), boxes in raster pixels.
 */
export function textLayerToPage(layer: TextLayerPage, options: TextLayerToPageOptions = {}): PageOcr {
  const started = performance.now();
  const paragraphGap = options.paragraphGap ?? 0.8;
  const headingRatio = options.headingRatio ?? 1.3;
  const lines = layer.lines.filter((l) => l.text.trim() !== '');
  const pageLineHeight = median(lines.map(height));

  const groups: TextLayerLine[][] = [];
  for (const line of lines) {
    const h = height(line);
    // Join the most recent block this line continues: just below it, overlapping it horizontally,
    // of a similar size.
    let target: TextLayerLine[] | undefined;
    for (let i = groups.length - 1; i >= Math.max(0, groups.length - 4) && !target; i -= 1) {
      const group = groups[i]!;
      const prev = group[group.length - 1]!;
      const ph = height(prev);
      const gap = line.bbox[1] - prev.bbox[3];
      const ratio = h / ph;
      if (
        gap <= paragraphGap * Math.min(h, ph) &&
        gap >= -0.5 * Math.min(h, ph) &&
        line.bbox[0] < prev.bbox[2] &&
        line.bbox[2] > prev.bbox[0] &&
        ratio <= headingRatio &&
        ratio >= 1 / headingRatio
      ) {
        target = group;
      }
    }
    if (target) target.push(line);
    else groups.push([line]);
  }

  const blocks: Block[] = [];
  const markdown: string[] = [];
  for (const group of groups) {
    const outLines: Line[] = group.map((l) => ({
      text: l.text,
      bbox: l.bbox,
      confidence: 1,
      words: l.words.map((w) => ({ text: w.text, bbox: w.bbox, confidence: 1 })),
    }));
    const text = outLines.map((l) => l.text).join('\n');
    const blockHeight = median(group.map(height));
    let kind: BlockKind = 'paragraph';
    if (group.length <= 2 && lines.length > 1 && blockHeight >= headingRatio * pageLineHeight && !/[.,;]$/.test(text)) {
      kind = 'heading';
    }
    blocks.push({ text, bbox: union(outLines.map((l) => l.bbox)), confidence: 1, kind, lines: outLines });
    const flat = outLines.map((l) => l.text).join(' ');
    markdown.push(kind === 'heading' ? `${blockHeight >= 2 * pageLineHeight ? '#' : '##'} ${flat}` : escapeMarkdown(flat));
  }

  return {
    width: layer.width,
    height: layer.height,
    text: blocks.map((b) => b.text).join('\n\n'),
    markdown: markdown.join('\n\n'),
    blocks,
    tables: [],
    mean_confidence: blocks.length > 0 ? 1 : 0,
    language: options.language ?? 'auto',
    engine: 'pdf-text-layer',
    timings_ms: { text_layer: Math.round((performance.now() - started) * 100) / 100 },
  };
}

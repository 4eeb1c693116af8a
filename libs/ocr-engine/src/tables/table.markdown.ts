import type { BBox, Table } from '@ocr/documents';
import { tableToMarkdown } from './table.render';

const inside = (b: BBox, t: BBox) => {
  const cx = (b[0] + b[2]) / 2, cy = (b[1] + b[3]) / 2;
  return cx >= t[0] && cx <= t[2] && cy >= t[1] && cy <= t[3];
};

/**
 * A page's markdown with its tables in place: the lines inside a table are replaced by the
 * table (a pipe table, or an HTML table when cells span); the text above, between and below the
 * tables is rendered by `render` (the page's own assembly) in bands, top to bottom.
 * With no tables it is `render(lines)`.
 */
export function markdownWithTables<L>(lines: readonly L[], boxOf: (line: L) => BBox, tables: readonly Table[], render: (lines: L[]) => string): string {
  if (tables.length === 0) return render([...lines]);
  const ordered = [...tables].sort((a, b) => a.bbox[1] - b.bbox[1]);
  const free = lines.filter((l) => !ordered.some((t) => inside(boxOf(l), t.bbox)));
  const parts: string[] = [];
  let taken = new Set<L>();
  for (const t of ordered) {
    const above = free.filter((l) => !taken.has(l) && (boxOf(l)[1] + boxOf(l)[3]) / 2 < t.bbox[1]);
    if (above.length) parts.push(render(above));
    taken = new Set([...taken, ...above]);
    parts.push(tableToMarkdown(t));
  }
  const rest = free.filter((l) => !taken.has(l));
  if (rest.length) parts.push(render(rest));
  return parts.filter((p) => p.trim() !== '').join('\n\n');
}

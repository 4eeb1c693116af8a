/**
 * TEDS (tree-edit-distance-based similarity), the table metric of PubTabNet's `src/metric.py`:
 * the HTML of both tables is parsed into trees (table → thead/tbody → tr → td, cells as leaves),
 * their tree edit distance is computed with unit insert/delete costs and a rename cost that is
 * 1 between different tags or spans and, between two cells, the normalised Levenshtein distance of
 * their content tokens (characters and inline tags such as `<b>`), and
 * TEDS = 1 − distance / max(element count of either table). Identical tables score 1.
 *
 * The distance is the exact tree edit distance (Zhang & Shasha's algorithm; APTED computes the
 * same value faster on deep trees, but table trees are at most four levels deep).
 */

/** An HTML element as the metric sees it: its tag, attributes and children (text or elements). */
export interface HtmlElement {
  tag: string;
  attrs: Record<string, string>;
  children: (HtmlElement | string)[];
}

export class TedsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TedsError';
  }
}

const VOID_TAGS = new Set(['br', 'hr', 'img', 'input', 'meta', 'link', 'col', 'area', 'base', 'wbr', 'source']);
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/**
 * A tolerant HTML parser, enough for table markup: elements, attributes, text and entities.
 * Comments and doctypes are dropped; a stray end tag closes up to its matching open element.
 * Returns a synthetic root whose children are the top-level nodes.
 */
export function parseHtml(html: string): HtmlElement {
  const root: HtmlElement = { tag: '#root', attrs: {}, children: [] };
  const stack: HtmlElement[] = [root];
  const re = /<!--[\s\S]*?-->|<![^>]*>|<\/\s*([a-zA-Z][\w-]*)\s*>|<([a-zA-Z][\w-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*(\/?)>|([^<]+|<)/g;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    const top = stack[stack.length - 1]!;
    if (m[1]) {
      const tag = m[1].toLowerCase();
      const at = stack.map((e) => e.tag).lastIndexOf(tag);
      if (at > 0) stack.length = at;
    } else if (m[2]) {
      const tag = m[2].toLowerCase();
      const attrs: Record<string, string> = {};
      const attrRe = /([^\s=>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
      for (let a = attrRe.exec(m[3] ?? ''); a; a = attrRe.exec(m[3] ?? '')) {
        attrs[a[1]!.toLowerCase()] = decodeEntities(a[2] ?? a[3] ?? a[4] ?? '');
      }
      const el: HtmlElement = { tag, attrs, children: [] };
      top.children.push(el);
      if (!m[4] && !VOID_TAGS.has(tag)) stack.push(el);
    } else if (m[5] !== undefined) {
      const text = decodeEntities(m[5]);
      const last = top.children[top.children.length - 1];
      if (typeof last === 'string') top.children[top.children.length - 1] = last + text;
      else top.children.push(text);
    }
  }
  return root;
}

function findFirst(el: HtmlElement, tag: string): HtmlElement | undefined {
  for (const c of el.children) {
    if (typeof c === 'string') continue;
    if (c.tag === tag) return c;
    const inner = findFirst(c, tag);
    if (inner) return inner;
  }
  return undefined;
}

/** A node of the tree the distance runs on. `content` is set on cells only. */
export interface TedsNode {
  tag: string;
  colspan?: number;
  rowspan?: number;
  content?: string[];
  children: TedsNode[];
}

/** A cell's tokens as metric.py's `tokenize` gives them: characters and `<tag>`/`</tag>` of inline markup. */
function cellTokens(el: HtmlElement): string[] {
  const out: string[] = [];
  const walk = (e: HtmlElement) => {
    for (const c of e.children) {
      if (typeof c === 'string') out.push(...Array.from(c));
      else {
        out.push(`<${c.tag}>`);
        walk(c);
        if (c.tag !== 'unk') out.push(`</${c.tag}>`);
      }
    }
  };
  walk(el);
  return out;
}

const spanOf = (v: string | undefined) => {
  const n = parseInt(v ?? '1', 10);
  return Number.isFinite(n) ? n : 1;
};

/** The metric's tree of a `<table>` element: every element is a node; a `td` is a leaf holding its tokens. */
export function tableTree(table: HtmlElement, structureOnly = false): TedsNode {
  const build = (el: HtmlElement): TedsNode => {
    if (el.tag === 'td') {
      return { tag: 'td', colspan: spanOf(el.attrs['colspan']), rowspan: spanOf(el.attrs['rowspan']), content: structureOnly ? [] : cellTokens(el), children: [] };
    }
    return { tag: el.tag, children: el.children.filter((c): c is HtmlElement => typeof c !== 'string').map(build) };
  };
  return build(table);
}

/** Elements below the table (metric.py's `len(table.xpath('.//*'))`): rows, cells and inline markup. */
function countDescendants(el: HtmlElement): number {
  let n = 0;
  for (const c of el.children) if (typeof c !== 'string') n += 1 + countDescendants(c);
  return n;
}

/** Levenshtein distance of two token sequences. */
export function levenshtein(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** metric.py's `CustomConfig.rename`. */
export function renameCost(a: TedsNode, b: TedsNode): number {
  if (a.tag !== b.tag || a.colspan !== b.colspan || a.rowspan !== b.rowspan) return 1;
  if (a.tag === 'td') {
    const ca = a.content ?? [], cb = b.content ?? [];
    if (ca.length || cb.length) return levenshtein(ca, cb) / Math.max(ca.length, cb.length);
  }
  return 0;
}

interface Indexed {
  nodes: TedsNode[];
  /** Post-order index of each node's leftmost leaf. */
  lml: number[];
  keyroots: number[];
}

function index(root: TedsNode): Indexed {
  const nodes: TedsNode[] = [];
  const lml: number[] = [];
  const walk = (n: TedsNode): number => {
    let leftmost = -1;
    for (const c of n.children) {
      const l = walk(c);
      if (leftmost < 0) leftmost = l;
    }
    const i = nodes.length;
    nodes.push(n);
    lml.push(leftmost < 0 ? i : leftmost);
    return lml[i]!;
  };
  walk(root);
  // Key roots: for each distinct leftmost leaf, the highest node having it.
  const seen = new Map<number, number>();
  for (let i = 0; i < nodes.length; i++) seen.set(lml[i]!, i);
  return { nodes, lml, keyroots: [...seen.values()].sort((a, b) => a - b) };
}

/**
 * Tree edit distance (Zhang & Shasha 1989): the least total cost of deleting, inserting (1 each)
 * and renaming (`rename`) nodes that turns tree `a` into tree `b`.
 */
export function treeEditDistance(a: TedsNode, b: TedsNode, rename: (x: TedsNode, y: TedsNode) => number = renameCost): number {
  const A = index(a), B = index(b);
  const n = A.nodes.length, m = B.nodes.length;
  const td: Float64Array[] = Array.from({ length: n }, () => new Float64Array(m));
  const fd: Float64Array[] = Array.from({ length: n + 1 }, () => new Float64Array(m + 1));
  for (const i of A.keyroots) {
    for (const j of B.keyroots) {
      const li = A.lml[i]!, lj = B.lml[j]!;
      // fd[x][y]: distance between forests A[li..li+x-1] and B[lj..lj+y-1].
      fd[0]![0] = 0;
      for (let x = 1; x <= i - li + 1; x++) fd[x]![0] = fd[x - 1]![0]! + 1;
      for (let y = 1; y <= j - lj + 1; y++) fd[0]![y] = fd[0]![y - 1]! + 1;
      for (let x = 1; x <= i - li + 1; x++) {
        const ni = li + x - 1;
        for (let y = 1; y <= j - lj + 1; y++) {
          const nj = lj + y - 1;
          const del = fd[x - 1]![y]! + 1;
          const ins = fd[x]![y - 1]! + 1;
          if (A.lml[ni] === li && B.lml[nj] === lj) {
            const v = Math.min(del, ins, fd[x - 1]![y - 1]! + rename(A.nodes[ni]!, B.nodes[nj]!));
            fd[x]![y] = v;
            td[ni]![nj] = v;
          } else {
            const px = A.lml[ni]! - li, py = B.lml[nj]! - lj;
            fd[x]![y] = Math.min(del, ins, fd[px]![py]! + td[ni]![nj]!);
          }
        }
      }
    }
  }
  return td[n - 1]![m - 1]!;
}

export interface TedsOptions {
  /** Ignore cell contents (TEDS-S, structure only). */
  readonly structureOnly?: boolean;
}

/**
 * TEDS between a predicted and a true table, each given as HTML holding a `<table>` (the first
 * one counts). 0 when either has no table, as in metric.py.
 */
export function teds(predHtml: string, trueHtml: string, options: TedsOptions = {}): number {
  if (typeof predHtml !== 'string' || typeof trueHtml !== 'string') throw new TedsError('teds() takes two HTML strings');
  if (!predHtml || !trueHtml) return 0;
  const pred = findFirst(parseHtml(predHtml), 'table');
  const truth = findFirst(parseHtml(trueHtml), 'table');
  if (!pred || !truth) return 0;
  const nodes = Math.max(countDescendants(pred), countDescendants(truth));
  if (nodes === 0) return 1;
  const distance = treeEditDistance(tableTree(pred, options.structureOnly), tableTree(truth, options.structureOnly));
  return 1 - distance / nodes;
}

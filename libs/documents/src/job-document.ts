/**
 * The job document: what a finished (or running) OCR job holds. Field names are the public
 * contract's (snake_case), so the gateway serves these objects as they are, the export service
 * renders them and the chat service indexes them. Extra fields are allowed by the contract;
 * none of the contract's may be renamed or dropped.
 */

/** [x0, y0, x1, y1] in pixels of the page as rasterized, origin top-left. */
export type BBox = [number, number, number, number];

export interface Word {
  text: string;
  bbox: BBox;
  confidence: number;
}

export interface Line {
  text: string;
  bbox: BBox;
  confidence: number;
  words: Word[];
}

export type BlockKind = 'heading' | 'paragraph' | 'list' | 'table' | 'figure' | 'header' | 'footer' | 'footnote';

export interface Block {
  text: string;
  bbox: BBox;
  confidence: number;
  kind: BlockKind;
  lines: Line[];
}

export interface TableCell {
  row: number;
  col: number;
  row_span: number;
  col_span: number;
  bbox: BBox;
  text: string;
}

export interface Table {
  bbox: BBox;
  rows: number;
  cols: number;
  cells: TableCell[];
}

/** Where a page's text came from. */
export type PageSource = 'ocr' | 'text-layer';

/** What an engine returns for one page image. */
export interface PageOcr {
  width: number;
  height: number;
  text: string;
  markdown: string;
  blocks: Block[];
  tables: Table[];
  /** Mean confidence of the page's lines, weighted by characters; 0 for an empty page. */
  mean_confidence: number;
  /** The language (code) actually used to read the page, e.g. `en`, `ch`. */
  language: string;
  /** The engine and model that read it, e.g. `pp-ocrv4`. */
  engine: string;
  /** Milliseconds per stage (detect, recognize, …) for benchmarks and the operator. */
  timings_ms: Record<string, number>;
}

/** One page of a job, as stored and served. */
export interface JobPage extends PageOcr {
  /** 0-based page index within the file. */
  index: number;
  source: PageSource;
  /** Set when this page failed; the rest of the page is then empty. */
  error?: string;
}

export type JobStatus = 'pending' | 'processing' | 'done' | 'failed';
export type Tier = 'cpu' | 'vlm';

/** The job object of the public contract. */
export interface JobDocument {
  uuid: string;
  status: JobStatus;
  tier: Tier;
  language: string;
  tool?: string | null;
  page_count: number;
  pages_done: number;
  mean_confidence: number;
  text: string;
  markdown: string;
  pages: JobPage[];
  error?: string | null;
  created_at: string;
  finished_at?: string | null;
}

/** A page that could not be read: no text, and its `error` says why. */
export function failedPage(index: number, error: string): JobPage {
  return {
    index,
    width: 0,
    height: 0,
    text: '',
    markdown: '',
    blocks: [],
    tables: [],
    mean_confidence: 0,
    language: '',
    engine: '',
    source: 'ocr',
    timings_ms: {},
    error,
  };
}

import { Injectable } from '@nestjs/common';
import type { Tier } from '@ocr/documents';
import { HANDWRITING_TOOL } from '@ocr/messaging';
import { DomainError } from '../common/domain-error';

/** A tool preset: what `tool=<slug>` changes in a job. */
export interface ToolPreset {
  slug: string;
  name: string;
  description: string;
  /** Tier used when the request names none. */
  tier?: Tier;
  /** Language used when the request names none. */
  language?: string;
  /** What the preset changes, as shown by `GET /api/v1/tools/`. */
  changes: Record<string, string>;
}

const PRESETS: readonly ToolPreset[] = [
  {
    slug: 'image-to-text',
    name: 'Image to text',
    description: 'Plain OCR of photos, scans and screenshots.',
    changes: {},
  },
  {
    slug: 'pdf-to-text',
    name: 'PDF to text',
    description: 'Text of every page of a PDF; born-digital pages keep their exact text layer.',
    changes: {},
  },
  {
    slug: 'extract-tables',
    name: 'Extract tables',
    description: 'Finds tables and keeps them as cells, rendered as markdown tables and CSV.',
    changes: { tables: 'detected and structured on every page' },
  },
  {
    slug: HANDWRITING_TOOL,
    name: 'Handwriting to text',
    description: 'Handwritten notes and letters; best on the vlm tier when a pool is configured.',
    changes: { engine: 'Latin-script pages are read by PP-OCRv4 alone, without Tesseract, whose print models do not read handwriting' },
  },
  {
    slug: 'translate',
    name: 'Translate',
    description: 'OCR, then translation into translate_to (needs the vlm tier).',
    tier: 'vlm',
    changes: { tier: 'vlm', translate_to: 'required' },
  },
];

@Injectable()
export class ToolCatalog {
  list(): readonly ToolPreset[] {
    return PRESETS;
  }

  get(slug: string): ToolPreset {
    const preset = PRESETS.find((p) => p.slug === slug);
    if (!preset) {
      throw new DomainError('unknown_tool', `Unknown tool "${slug}". Known tools: ${PRESETS.map((p) => p.slug).join(', ')}.`);
    }
    return preset;
  }
}

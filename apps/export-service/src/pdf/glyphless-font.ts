/**
 * GlyphLessFont: a TrueType program whose glyph 1 is empty. Every character of the invisible
 * text layer is drawn with it (CID → GID 1), so the PDF needs no real font for any script:
 * the text's meaning travels in the ToUnicode CMap, its geometry in the widths.
 *
 * The 572 bytes are Tesseract's `tessdata/pdf.ttf` (https://github.com/tesseract-ocr/tesseract,
 * as shipped by Debian's libtesseract5 at /usr/share/tesseract-ocr/5/tessdata/pdf.ttf),
 * Copyright 2006-2019 Google Inc., Apache License 2.0 — the same licence as this project.
 */
export const GLYPHLESS_FONT_TTF: Buffer = Buffer.from(
  'AAEAAAAKAIAAAwAgT1MvMlbeyJQAAAEoAAAAYGNtYXAACgA0AAABkAAAAB5nbHlmFSJBJAAAAbgAAAAYaGVhZAt48WUAAACs' +
  'AAAANmhoZWEMAgQCAAAA5AAAACRobXR4BAAAAAAAAYgAAAAIbG9jYQAMAAAAAAGwAAAABm1heHAABAAFAAABCAAAACBuYW1l' +
  '8usW2gAAAdAAAABLcG9zdAABAAEAAAIcAAAAIAABAAAAAQAAsJRxEF8PPPUEBwgAAAAAAM+a/G4AAAAA1MOn8gAAAAAEAAgA' +
  'AAAAEAACAAAAAAAAAAEAAAgA//8AAAQAAAAAAAQAAAEAAAAAAAAAAAAAAAAAAAACAAEAAAACAAQAAQAAAAAAAQAAAAAAAAAA' +
  'AAAAAAAAAAAAAwAAAZAABQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAUAAQABAAAAAAAAAAAAAAAAAAAAAAAAAAAAR09PRwBA' +
  'AAAAAAAB//8AAAABAAGAAAAAAAAAAAAAAAAAAAABAAAAAAAABAAAAAAAAAIAAQAAAAAAFAADAAAAAAAUAAYACgAAAAAAAAAA' +
  'AAAAAAAMAAAAAQAAAAAEAAgAAAMAADEhESEEAPwACAAAAAADACoAAAADAAAABQAWAAAAAQAAAAAABQALABYAAwABBAkABQAW' +
  'AAAAVgBlAHIAcwBpAG8AbgAgADEALgAwVmVyc2lvbiAxLjAAAAEAAAAAAAAAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAA=',
  'base64',
);

/** Width of every glyph in the PDF's text space (1/1000 em): half an em, as Tesseract does. */
export const GLYPH_WIDTH = 500;

export { detectTables, TABLE_DEFAULTS, type TableDetectOptions } from './table.detect';
export { findRules, type PageRules, type RuleOptions, type RuleSegment } from './table.rules';
export { hasSpans, tableToCsv, tableToHtml, tableToMarkdown, type DetectedTable, type HtmlTableOptions } from './table.render';
export { markdownWithTables } from './table.markdown';
export { levenshtein, parseHtml, renameCost, tableTree, teds, TedsError, treeEditDistance, type HtmlElement, type TedsNode, type TedsOptions } from './teds';

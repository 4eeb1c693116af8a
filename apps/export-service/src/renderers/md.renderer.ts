import type { JobDocument, JobPage } from '@ocr/documents';
import { pagesInOrder, RenderedFile, utf8 } from './rendered-file';

function pageMarkdown(page: JobPage, number: number): string {
  const marker = `<!-- page ${number} -->`;
  if (page.error) return `${marker}\n\n_Page ${number} could not be read._`;
  const body = (page.markdown.trim() !== '' ? page.markdown : page.text).trim();
  return body === '' ? marker : `${marker}\n\n${body}`;
}

/**
 * The document's markdown. Each page starts with an HTML comment `<!-- page N -->` (1-based, invisible
 * when rendered) and pages are separated by a horizontal rule. A job without pages gives its markdown.
 */
export function renderMd(job: JobDocument): RenderedFile {
  const pages = pagesInOrder(job);
  const markdown = pages.length === 0 ? job.markdown : pages.map((p) => pageMarkdown(p, p.index + 1)).join('\n\n---\n\n');
  return {
    contentType: 'text/markdown; charset=utf-8',
    fileName: `${job.uuid}.md`,
    body: utf8(markdown.endsWith('\n') ? markdown : `${markdown}\n`),
  };
}

import { sampleJob } from '../testing/sample-job.fixture';
import { renderMd } from './md.renderer';

const text = (body: Uint8Array) => Buffer.from(body).toString('utf8');

describe(renderMd.name, () => {
  it('writes each page markdown after a page marker, pages separated by a rule', () => {
    const job = sampleJob();
    const sut = renderMd(job);
    expect(sut.contentType).toBe('text/markdown; charset=utf-8');
    expect(sut.fileName).toBe(`${job.uuid}.md`);
    expect(text(sut.body)).toBe(
      `<!-- page 1 -->\n\n${job.pages[0].markdown}\n\n---\n\n<!-- page 2 -->\n\n${job.pages[1].markdown}\n`,
    );
  });

  it('falls back to the page text when a page has no markdown, and notes a failed page', () => {
    const job = sampleJob();
    job.pages[0].markdown = '';
    job.pages[1].error = 'engine crashed';
    const md = text(renderMd(job).body);
    expect(md).toContain(`<!-- page 1 -->\n\n${job.pages[0].text}\n`);
    expect(md).toContain('<!-- page 2 -->\n\n_Page 2 could not be read._');
  });

  it('gives the job markdown when the job has no pages', () => {
    const job = { ...sampleJob(), pages: [], markdown: '# Only' };
    expect(text(renderMd(job).body)).toBe('# Only\n');
  });
});

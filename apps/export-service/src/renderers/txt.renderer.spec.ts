import { sampleJob } from '../testing/sample-job.fixture';
import { renderTxt } from './txt.renderer';

const text = (body: Uint8Array) => Buffer.from(body).toString('utf8');

describe(renderTxt.name, () => {
  it('writes each page text, separated by a form feed, as a .txt named after the job', () => {
    const job = sampleJob();
    const sut = renderTxt(job);
    expect(sut.contentType).toBe('text/plain; charset=utf-8');
    expect(sut.fileName).toBe(`${job.uuid}.txt`);
    const pages = text(sut.body).split('\f');
    expect(pages).toEqual([job.pages[0].text, job.pages[1].text]);
    expect(pages[0]).toContain('Total: 215.00 USD');
  });

  it('orders pages by index and leaves a failed page empty', () => {
    const job = sampleJob();
    job.pages[0].error = 'rasterize failed';
    job.pages.reverse();
    expect(text(renderTxt(job).body)).toBe(`\f${job.pages[0].text}`);
  });

  it('keeps non-Latin text intact in UTF-8', () => {
    const job = sampleJob();
    job.pages = [{ ...job.pages[0], text: 'مرحبا Привет 你好' }];
    expect(text(renderTxt(job).body)).toBe('مرحبا Привет 你好');
  });
});

import { sampleJob } from '../testing/sample-job.fixture';
import { renderHocr } from './hocr.renderer';
import { elements, parseXml } from './xml-check.fixture';

function byClass(xml: string, cls: string): Record<string, unknown>[] {
  const doc = parseXml(xml);
  return ['div', 'p', 'span'].flatMap((tag) => elements(doc, tag)).filter((e) => e['@class'] === cls);
}

describe(renderHocr.name, () => {
  const job = sampleJob();
  const sut = renderHocr(job);
  const xml = Buffer.from(sut.body).toString('utf8');

  it('is a well-formed XHTML hOCR file named after the job', () => {
    expect(sut.fileName).toBe(`${job.uuid}.hocr`);
    expect(sut.contentType).toBe('text/html; charset=utf-8');
    expect(() => parseXml(xml)).not.toThrow();
    expect(xml).toContain('<meta name="ocr-capabilities" content="ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf"/>');
  });

  it('has one element per page, block, line and word', () => {
    expect(byClass(xml, 'ocr_page')).toHaveLength(2);
    expect(byClass(xml, 'ocr_carea')).toHaveLength(7);
    expect(byClass(xml, 'ocr_par')).toHaveLength(7);
    expect(byClass(xml, 'ocr_line')).toHaveLength(9);
    expect(byClass(xml, 'ocrx_word')).toHaveLength(24);
  });

  it('carries page size, word boxes and confidences, with the text escaped', () => {
    const pages = byClass(xml, 'ocr_page');
    expect(pages[0]['@title']).toBe('bbox 0 0 1000 1400; ppageno 0');
    const words = byClass(xml, 'ocrx_word');
    const tom = words.find((w) => w['#text'] === 'Tom');
    expect(tom?.['@title']).toBe('bbox 100 160 130 180; x_wconf 90');
    expect(words.map((w) => w['#text'])).toEqual(expect.arrayContaining(['&', '<cats>', '"said"']));
    expect(xml).toContain('>&lt;cats&gt;</span>');
  });
});

import { sampleJob } from '../testing/sample-job.fixture';
import { ALTO_NAMESPACE, renderAlto } from './alto.renderer';
import { elements, parseXml } from './xml-check.fixture';

describe(renderAlto.name, () => {
  const job = sampleJob();
  const sut = renderAlto(job);
  const xml = Buffer.from(sut.body).toString('utf8');
  const doc = parseXml(xml);

  it('is well-formed ALTO v4 in pixels, named after the job', () => {
    expect(sut.fileName).toBe(`${job.uuid}.alto.xml`);
    expect(sut.contentType).toBe('application/xml; charset=utf-8');
    const [alto] = elements(doc, 'alto');
    expect(alto['@xmlns']).toBe(ALTO_NAMESPACE);
    expect(elements(doc, 'MeasurementUnit')[0]['#text']).toBe('pixel');
  });

  it('has one element per page, block, line and word, spaces between words', () => {
    expect(elements(doc, 'Page')).toHaveLength(2);
    expect(elements(doc, 'PrintSpace')).toHaveLength(2);
    expect(elements(doc, 'TextBlock')).toHaveLength(6);
    expect(elements(doc, 'Illustration')).toHaveLength(1);
    expect(elements(doc, 'TextLine')).toHaveLength(8);
    expect(elements(doc, 'String')).toHaveLength(24);
    expect(elements(doc, 'SP')).toHaveLength(16);
  });

  it('carries geometry and confidence, with the text escaped', () => {
    const [page1] = elements(doc, 'Page');
    expect(page1).toMatchObject({ '@ID': 'p1', '@PHYSICAL_IMG_NR': '1', '@WIDTH': '1000', '@HEIGHT': '1400' });
    const strings = elements(doc, 'String');
    expect(strings.find((s) => s['@CONTENT'] === 'Tom')).toMatchObject({
      '@HPOS': '100',
      '@VPOS': '160',
      '@WIDTH': '30',
      '@HEIGHT': '20',
      '@WC': '0.9',
    });
    expect(strings.map((s) => s['@CONTENT'])).toEqual(expect.arrayContaining(['&', '<cats>', '"said"']));
    expect(xml).toContain('CONTENT="&lt;cats&gt;"');
    const ids = [...xml.matchAll(/ ID="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

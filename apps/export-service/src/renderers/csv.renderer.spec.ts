import { sampleJob } from '../testing/sample-job.fixture';
import { renderCsv } from './csv.renderer';

const text = (body: Uint8Array) => Buffer.from(body).toString('utf8');

describe(renderCsv.name, () => {
  it('writes every table, led by page, table and row numbers, quoted per RFC 4180', () => {
    const job = sampleJob();
    const sut = renderCsv(job);
    expect(sut.contentType).toBe('text/csv; charset=utf-8');
    expect(sut.fileName).toBe(`${job.uuid}.csv`);
    expect(text(sut.body)).toBe(
      [
        'page,table,row,col_1,col_2,col_3',
        '1,1,1,Item and size,,Price',
        '1,1,2,"Coffee, large","16 ""oz""",4.50',
        '1,1,3,Tea,small,2.00',
        '2,1,1,Notes,"first\nsecond",',
        '2,1,2,,third,',
        '',
      ].join('\r\n'),
    );
  });

  it('numbers tables within their page', () => {
    const job = sampleJob();
    job.pages[0].tables.push({ ...job.pages[1].tables[0] });
    const rows = text(renderCsv(job).body).split('\r\n');
    expect(rows.filter((r) => r.startsWith('1,2,'))).toEqual(['1,2,1,Notes,"first\nsecond",', '1,2,2,,third,']);
  });

  it('answers a document without tables with the header alone', () => {
    const job = sampleJob();
    job.pages.forEach((p) => (p.tables = []));
    expect(text(renderCsv(job).body)).toBe('page,table,row\r\n');
  });
});

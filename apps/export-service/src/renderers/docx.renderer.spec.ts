import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleJob } from '../testing/sample-job.fixture';
import { DOCX_CONTENT_TYPE, renderDocx } from './docx.renderer';

/**
 * Needs LibreOffice Writer (Debian: libreoffice-writer-nogui) and unzip on PATH: the file is
 * checked the way a user would open it, not only by its XML.
 */
describe(renderDocx.name, () => {
  let dir: string;
  let docxPath: string;
  let documentXml: string;
  let uuid: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'export-docx-'));
    const job = sampleJob();
    uuid = job.uuid;
    const sut = await renderDocx(job);
    expect(sut.contentType).toBe(DOCX_CONTENT_TYPE);
    expect(sut.fileName).toBe(`${job.uuid}.docx`);
    docxPath = join(dir, sut.fileName);
    writeFileSync(docxPath, sut.body);
    documentXml = execFileSync('unzip', ['-p', docxPath, 'word/document.xml'], { encoding: 'utf8' });
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens in LibreOffice with the text of every page, tables included', () => {
    execFileSync(
      'libreoffice',
      [`-env:UserInstallation=file://${join(dir, 'profile')}`, '--headless', '--convert-to', 'txt:Text', '--outdir', dir, docxPath],
      { stdio: 'pipe', timeout: 120_000 },
    );
    const text = readFileSync(join(dir, `${uuid}.txt`), 'utf8');
    for (const expected of ['Invoice 42', 'Tom & Jerry <cats> "said" hi', 'Total: 215.00 USD', 'first item', 'Coffee, large', '16 "oz"', '4.50', 'Second page text', 'Notes', 'third']) {
      expect(text).toContain(expected);
    }
    expect(text.indexOf('Invoice 42')).toBeLessThan(text.indexOf('Second page text'));
  }, 120_000);

  it('has one section per page, headings, list items and real Word tables', () => {
    expect(documentXml.match(/<w:sectPr\b/g)).toHaveLength(2);
    expect(documentXml).toMatch(/<w:pStyle w:val="Heading2"\/>/);
    expect(documentXml.match(/<w:numPr>/g)).toHaveLength(2); // the two bulleted list lines
    expect(documentXml).not.toContain('• first item');
    expect(documentXml.match(/<w:tbl>/g)).toHaveLength(2);
    expect(documentXml).toMatch(/<w:gridSpan w:val="2"\/>/); // the header cell spanning two columns
    expect(documentXml).toMatch(/<w:vMerge w:val="restart"\/>/); // the cell spanning two rows
  });

  it('puts the page header block in the section header', () => {
    const headers = execFileSync('unzip', ['-p', docxPath, 'word/header*.xml'], { encoding: 'utf8' });
    expect(headers).toContain('ACME CORP RECEIPTS');
    expect(documentXml).not.toContain('ACME CORP RECEIPTS');
  });
});

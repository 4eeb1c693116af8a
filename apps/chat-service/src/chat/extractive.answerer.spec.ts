import { Chunk, extractiveAnswer } from './extractive.answerer';
import { analyzeQuestion } from './question';

const lines = ['SANYU STATIONERY SHOP', 'NO. 31G, JALAN SETIA INDAH', '40170 SETIA ALAM', 'Invoice No: CS-SA-0076015', 'Date: 27/03/2018', 'Sub-total 3.80', 'TOTAL 5.70', 'Cashier: Nur'];
const chunks: Chunk[] = lines.map((text, seq) => ({ page: 1, seq, text, bbox: [0, seq * 30, 300, seq * 30 + 20] }));
const ask = (q: string, leading: Chunk[] = []) => extractiveAnswer(q, analyzeQuestion(q), chunks, leading);

describe(extractiveAnswer.name, () => {
  it('answers the total with the TOTAL line, cited with page and box', () => {
    const sut = ask('What is the total?');
    expect(sut.content).toContain('5.70');
    expect(sut.citations).toEqual([{ page: 1, snippet: 'TOTAL 5.70', bbox: [0, 180, 300, 200] }]);
  });

  it('answers the date with the line that holds one', () => {
    expect(ask('What is the date?').citations[0].snippet).toBe('Date: 27/03/2018');
  });

  it('answers the issuer from the top of the document', () => {
    expect(ask('Which company issued this receipt?', chunks.slice(0, 4)).citations[0].snippet).toBe('SANYU STATIONERY SHOP');
  });

  it('joins the consecutive lines of an address', () => {
    const sut = ask('What is the address?');
    expect(sut.citations.map((c) => c.snippet)).toEqual(['NO. 31G, JALAN SETIA INDAH', '40170 SETIA ALAM']);
  });

  it('declines plainly, without citations, when nothing answers', () => {
    const sut = ask('What is the name of the pilot?');
    expect(sut.citations).toEqual([]);
    expect(sut.content).toMatch(/could not find/i);
  });
});

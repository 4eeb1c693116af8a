import { Chunk, extractiveAnswer } from './extractive.answerer';
import { analyzeQuestion } from './question';

const chunksOf = (lines: string[], page = 1): Chunk[] => lines.map((text, seq) => ({ page, seq, text, bbox: [0, seq * 30, 300, seq * 30 + 20] }));
const lines = ['SANYU STATIONERY SHOP', 'NO. 31G, JALAN SETIA INDAH', '40170 SETIA ALAM', 'Invoice No: CS-SA-0076015', 'Date: 27/03/2018', 'Sub-total 3.80', 'TOTAL 5.70', 'Cashier: Nur'];
const chunks = chunksOf(lines);
const ask = (q: string, leading: Chunk[] = [], from = chunks) => extractiveAnswer(q, analyzeQuestion(q), from, leading);
const snippets = (q: string, doc: string[]) => {
  const c = chunksOf(doc);
  return ask(q, c, c).citations.map((x) => x.snippet);
};

describe(extractiveAnswer.name, () => {
  it('answers the total with the TOTAL line, cited with page and box', () => {
    const sut = ask('What is the total?');
    expect(sut.content).toContain('5.70');
    expect(sut.citations).toEqual([{ page: 1, snippet: 'TOTAL 5.70', bbox: [0, 180, 300, 200] }]);
  });

  it('takes the grand total over subtotals, counts, taxes and savings, whatever comes first', () => {
    const receipt = ['Total Qty: 7 51.42', 'Total Sales(Excluding GST) : 51.42', 'Total GST 3.08', 'Total Sales (Inclusive of GST) 54.50', 'Cash 100.00'];
    expect(snippets('What is the total?', receipt)).toEqual(['Total Sales (Inclusive of GST) 54.50']);
    expect(snippets('What is the total?', ['2 SUB TOTAL 295.00', 'SERVICE CHARGE 10% 29.50', 'NET TOTAL 343.95'])).toEqual(['NET TOTAL 343.95']);
    // The label just before the last amount decides: this line's total is 77.20, not a saving.
    expect(snippets('What is the total?', ['Item 2 Total with GST @ 6% 77.20', 'Total Saving 0.00 Total 77.20'])).toEqual(['Total Saving 0.00 Total 77.20']);
  });

  it('prefers a net total on a tie, and falls back to an amount due', () => {
    expect(snippets('What is the total?', ['Total Amount: S8.20', 'Nett Total: $8.20', 'CASH $8.20'])).toEqual(['Nett Total: $8.20']);
    expect(snippets('How much is due?', ['Invoice 2024-113', 'Amount due: 1,250.00'])).toEqual(['Amount due: 1,250.00']);
  });

  it('answers the date with the line that holds one, labelled dates first, spaces around separators allowed', () => {
    expect(ask('What is the date?').citations[0].snippet).toBe('Date: 27/03/2018');
    expect(snippets('What is the date?', ['ORDER 00012916', 'BIZDATE: 12 /03 /2018', 'BILL DT: 12/03 /2018 10:25 PM'])).toEqual(['BIZDATE: 12 /03 /2018']);
    expect(snippets('When was it issued?', ['UNIHAKKA INTERNATIONAL SDN BHD', '05 Mar 2018 18:24'])).toEqual(['05 Mar 2018 18:24']);
    // 45/67/2018 is no date, and an amount is not one either.
    expect(ask('What is the date?', [], chunksOf(['Ref 45/67/2018', 'TOTAL 12.03'])).citations).toEqual([]);
  });

  it('answers the issuer from the top of the document, a legal form first, skipping scribbles and registration numbers', () => {
    expect(ask('Which company issued this receipt?', chunks.slice(0, 4)).citations[0].snippet).toBe('SANYU STATIONERY SHOP');
    expect(snippets('Which company issued this receipt?', ['R', 'tan woon yann', 'BOOK TA K (TAMAN DAYA) SDN BHD', '789417-W'])).toEqual(['BOOK TA K (TAMAN DAYA) SDN BHD']);
    expect(snippets('Which company issued this receipt?', ['THREE STOOGES', 'BISTRO & CAFE', '109, SS21/1A,'])).toEqual(['THREE STOOGES']);
    expect(snippets('Which company issued this receipt?', ['☆ Home of Sticky Bones', 'Timeless Kitchenette Sdn Bhd Company no : 1174703-K', 'GST Reg no : 0000 6771 0976'])).toEqual([
      'Timeless Kitchenette Sdn Bhd Company no : 1174703-K',
    ]);
  });

  it('joins the consecutive lines of an address, from the street to the postcode and a one-word state', () => {
    expect(ask('What is the address?', chunks, chunks).citations.map((c) => c.snippet)).toEqual(['NO. 31G, JALAN SETIA INDAH', '40170 SETIA ALAM']);
    const receipt = ['BOOK TA K SDN BHD', '789417-W', 'NO.53 55,57 & 59, JALAN SAGU 18', 'TAMAN DAYA,', '81100 JOHOR BAHRU', 'JOHOR.', 'Document No : TD01167104'];
    expect(snippets('What is the address?', receipt)).toEqual(receipt.slice(2, 6));
    expect(ask('What is the address?', chunksOf(receipt), chunksOf(receipt)).content).toContain('NO.53 55,57 & 59, JALAN SAGU 18 TAMAN DAYA, 81100 JOHOR BAHRU JOHOR.');
  });

  it('ends an address at contact details and never takes the issuer or the next heading', () => {
    expect(snippets('What is the address?', ['THREE STOOGES', 'BISTRO & CAFE', '109, SS21/1A,', 'DAMANSARA UTAMA', 'GST ID : 001661886464'])).toEqual([
      '109, SS21/1A,',
      'DAMANSARA UTAMA',
    ]);
    expect(snippets('What is the address?', ['Lot 50, Floor T2,Sky Avenue Genting Highlands', 'Pahang, 69000 Pahang Malaysia', 'Guest Check'])).toEqual([
      'Lot 50, Floor T2,Sky Avenue Genting Highlands',
      'Pahang, 69000 Pahang Malaysia',
    ]);
    expect(snippets('What is the address?', ['SAM SAM TRADING CO', '67,JLN MEWAH 25/63 TMN SRI MUDA,', '40400 SHAH ALAM.', 'TEL/FAX : 03-51213881'])).toEqual([
      '67,JLN MEWAH 25/63 TMN SRI MUDA,',
      '40400 SHAH ALAM.',
    ]);
  });

  it('answers other questions with the line that holds their words', () => {
    expect(ask('Who is the cashier?').citations[0].snippet).toBe('Cashier: Nur');
    expect(ask('What is the price of the pen?', [], chunksOf(['Pen blue 2 x 1.90', 'Paper A4 8.90'])).citations[0].snippet).toBe('Pen blue 2 x 1.90');
  });

  it('declines plainly, without citations, when nothing answers', () => {
    for (const q of ['What is the name of the pilot?', "What is the patient's blood type?", 'What is the wifi password?', 'What is the delivery date?']) {
      const sut = ask(q, chunks, chunks);
      expect(sut.citations).toEqual([]);
      expect(sut.content).toMatch(/could not find/i);
    }
    // A generic word alone ("name") is no evidence.
    expect(ask('What is the name of the pilot?', [], chunksOf(['Name: Ali', 'TOTAL 5.70'])).citations).toEqual([]);
    expect(ask('What is the total?', [], chunksOf(['Thank you', 'Please come again'])).citations).toEqual([]);
  });
});

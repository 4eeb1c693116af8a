import { analyzeQuestion, termsOf } from './question';

describe(analyzeQuestion.name, () => {
  it('finds what a question asks for', () => {
    expect([...analyzeQuestion('What is the total?').intents]).toEqual(['amount']);
    expect([...analyzeQuestion('What is the date?').intents]).toEqual(['date']);
    expect([...analyzeQuestion('Which company issued this receipt?').intents]).toEqual(['company']);
    expect([...analyzeQuestion('What is the address?').intents]).toEqual(['address']);
    expect([...analyzeQuestion('Who is the cashier?').intents]).toEqual([]);
  });

  it('keeps content words and numbers, not stop words', () => {
    expect(termsOf('What is the price of the Pen, 1.90 or 2?')).toEqual(['price', 'pen', '1.90', '2']);
    expect(termsOf("cashier's")).toEqual(['cashier']);
  });
});

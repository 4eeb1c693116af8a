import { isNoiseLine, NOISE_DEFAULTS } from './noise.filter';

describe(isNoiseLine.name, () => {
  it('drops lines Tesseract is very unsure of', () => {
    expect(isNoiseLine({ text: 'He Ada int Lutte ST 7e', confidence: 0.2 })).toBe(true);
    expect(isNoiseLine({ text: 'Le renard brun saute', confidence: 0.38 })).toBe(false);
  });

  it('drops lines made mostly of symbols (strokes and stains read as | — / =) unless they are sure', () => {
    expect(isNoiseLine({ text: '| — // =', confidence: 0.6 })).toBe(true);
    expect(isNoiseLine({ text: '| Z', confidence: 0.57 })).toBe(false); // half letters: kept
    expect(isNoiseLine({ text: '------------', confidence: 0.95 })).toBe(false);
  });

  it('keeps numbers and text in any script', () => {
    expect(isNoiseLine({ text: '12.50 4 7', confidence: 0.5 })).toBe(false);
    expect(isNoiseLine({ text: 'السلام عليكم', confidence: 0.8 })).toBe(false);
    expect(isNoiseLine({ text: 'अग्निमीळे पुरोहितं', confidence: 0.36 })).toBe(false);
  });

  it('drops an empty line and honours its options', () => {
    expect(isNoiseLine({ text: '   ', confidence: 0.99 })).toBe(true);
    expect(isNoiseLine({ text: 'faint', confidence: 0.2 }, { ...NOISE_DEFAULTS, minLineConfidence: 0.1 })).toBe(false);
  });
});

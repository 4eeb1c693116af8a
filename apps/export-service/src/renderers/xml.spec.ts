import { xmlEscape } from './xml';

describe(xmlEscape.name, () => {
  it('escapes markup and drops characters XML 1.0 forbids', () => {
    expect(xmlEscape(`a<b>&"c"'d'`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;');
    expect(xmlEscape('x\u0000y\u000Cz\uFFFE')).toBe('xyz');
    expect(xmlEscape('tab\tnew\nline 😀')).toBe('tab\tnew\nline 😀');
    expect(xmlEscape('lone \uD800 surrogate')).toBe('lone  surrogate');
  });
});

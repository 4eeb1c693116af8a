import { parseBoolean, parseBytes, parseDuration } from './units';

describe(parseBytes.name, () => {
  it.each([
    ['1024', 1024],
    ['50mb', 52_428_800],
    ['50MB', 52_428_800],
    ['1.5 GB', 1_610_612_736],
    ['512kb', 524_288],
    ['10b', 10],
    ['2MiB', 2_097_152],
  ])('reads %s as %i bytes', (text, bytes) => expect(parseBytes(text)).toBe(bytes));

  it.each(['', 'mb', '-5mb', '5 potatoes', '5mb5', '1e3'])('refuses %j', (text) => expect(parseBytes(text)).toBeNull());
});

describe(parseDuration.name, () => {
  it.each([
    ['1500', 1500],
    ['500ms', 500],
    ['30s', 30_000],
    ['15m', 900_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['2min', 120_000],
  ])('reads %s as %i ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'h', 'forever', '1h30', '-5s', '10 years', 'h1'])('refuses %j', (text) => expect(parseDuration(text)).toBeNull());
});

describe(parseBoolean.name, () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    ['on', true],
    ['false', false],
    ['0', false],
    ['no', false],
    ['Off', false],
  ])('reads %s as %s', (text, value) => expect(parseBoolean(text)).toBe(value));

  it('refuses anything else', () => expect(parseBoolean('maybe')).toBeNull());
});

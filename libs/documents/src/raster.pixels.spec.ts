import { rgbaToRgb } from './raster.pixels';

function bytewise(rgba: Uint8Array, pixels: number): Buffer {
  const out = Buffer.alloc(pixels * 3);
  for (let p = 0; p < pixels; p += 1) for (let c = 0; c < 3; c += 1) out[p * 3 + c] = rgba[p * 4 + c]!;
  return out;
}

function randomRgba(pixels: number, offset = 0): Uint8Array {
  const bytes = new Uint8Array(offset + pixels * 4);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = (i * 131 + 7) % 251;
  return bytes.subarray(offset);
}

describe(rgbaToRgb.name, () => {
  it('keeps R, G and B of every pixel in order, whatever the pixel count', () => {
    for (const pixels of [1, 2, 3, 4, 5, 7, 8, 9, 1001, 640 * 480 + 3]) {
      const rgba = randomRgba(pixels);
      expect(rgbaToRgb(rgba, pixels).equals(bytewise(rgba, pixels))).toBe(true);
    }
  });

  it('reads pixels that do not start on a 4-byte boundary', () => {
    const rgba = randomRgba(33, 1);
    expect(rgbaToRgb(rgba, 33).equals(bytewise(rgba, 33))).toBe(true);
  });

  it('reads a Uint8ClampedArray, as the canvas gives', () => {
    const rgba = new Uint8ClampedArray(randomRgba(10));
    expect(rgbaToRgb(rgba, 10).equals(bytewise(new Uint8Array(rgba.buffer), 10))).toBe(true);
  });
});

import sharp from 'sharp';
import { encodePng } from './png';

const page = (width: number, height: number) => ({ data: Buffer.alloc(width * height * 3, 200), width, height, channels: 3 as const });

describe(encodePng.name, () => {
  it('keeps the page’s size by default', async () => {
    expect(await sharp(await encodePng(page(300, 200))).metadata()).toMatchObject({ width: 300, height: 200, format: 'png' });
  });

  it('scales a page with more than maxPixels down to that many, keeping its proportions', async () => {
    const meta = await sharp(await encodePng(page(3000, 2000), { maxPixels: 1_500_000 })).metadata();
    expect([meta.width, meta.height]).toEqual([1500, 1000]);
    expect(await sharp(await encodePng(page(300, 200), { maxPixels: 1_500_000 })).metadata()).toMatchObject({ width: 300, height: 200 });
  });
});

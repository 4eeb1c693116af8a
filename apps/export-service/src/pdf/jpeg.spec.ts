import sharp from 'sharp';
import { JpegError, readJpegInfo } from './jpeg';

const blank = (channels: 3 | 4 = 3) => sharp({ create: { width: 40, height: 30, channels, background: '#808080' } });

describe(readJpegInfo.name, () => {
  it('reads the size and components of a baseline and a progressive JPEG', async () => {
    expect(readJpegInfo(await blank().jpeg().toBuffer())).toMatchObject({ width: 40, height: 30, components: 3, bitsPerComponent: 8 });
    expect(readJpegInfo(await blank().jpeg({ progressive: true }).toBuffer())).toMatchObject({ width: 40, height: 30, components: 3 });
    expect(readJpegInfo(await blank().toColourspace('b-w').jpeg().toBuffer())).toMatchObject({ components: 1 });
    expect(readJpegInfo(await blank().toColourspace('cmyk').jpeg().toBuffer())).toMatchObject({ components: 4, adobe: true });
  });

  it('reads the resolution from JFIF or EXIF, and none when the file states none', async () => {
    expect(readJpegInfo(await blank().jpeg().withMetadata({ density: 300 }).toBuffer()).dpi).toBe(300);
    const jfif = Buffer.from(await blank().jpeg().toBuffer());
    expect(readJpegInfo(jfif).dpi).toBeUndefined();
    // JFIF APP0 with 200 dots per inch, put right after SOI.
    const app0 = Buffer.from([0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 1, 0, 200, 0, 200, 0, 0]);
    expect(readJpegInfo(Buffer.concat([jfif.subarray(0, 2), app0, jfif.subarray(2)])).dpi).toBe(200);
  });

  it('refuses what is not a whole JPEG header', async () => {
    const png = await blank().png().toBuffer();
    expect(() => readJpegInfo(png)).toThrow(JpegError);
    const jpeg = await blank().jpeg().toBuffer();
    expect(() => readJpegInfo(jpeg.subarray(0, 30))).toThrow(/corrupt JPEG/);
  });
});

import { DB_DEFAULTS } from './db-postprocess';
import { dbOptionsFor, detResizeShape, detToPage, normalizeDet, prepareDetInput } from './preprocess';

describe(detResizeShape.name, () => {
  it('scales the long side down to the limit and rounds both sides to multiples of 32', () => {
    expect(detResizeShape(2480, 3508, 960)).toEqual({ width: 672, height: 960 });
    expect(detResizeShape(2480, 3508, 1280)).toEqual({ width: 896, height: 1280 });
  });

  it('keeps small images at their size (rounded to 32) and never goes below 32', () => {
    expect(detResizeShape(640, 480, 960)).toEqual({ width: 640, height: 480 });
    expect(detResizeShape(100, 10, 960)).toEqual({ width: 96, height: 32 });
  });

  it('upscales small images only when asked, within the limit', () => {
    expect(detResizeShape(400, 300, 960, 2)).toEqual({ width: 800, height: 608 });
    expect(detResizeShape(600, 300, 960, 2)).toEqual({ width: 960, height: 480 });
  });
});

describe(normalizeDet.name, () => {
  it('writes B, G, R planes with ImageNet mean and std', () => {
    const rgb = new Uint8Array([255, 128, 0]); // one pixel: R=255, G=128, B=0
    const out = normalizeDet(rgb, 1, 1, 3);
    expect(out[0]).toBeCloseTo((0 / 255 - 0.485) / 0.229, 5); // blue plane first
    expect(out[1]).toBeCloseTo((128 / 255 - 0.456) / 0.224, 5);
    expect(out[2]).toBeCloseTo((255 / 255 - 0.406) / 0.225, 5);
  });

  it('repeats a grey channel in all three planes', () => {
    const out = normalizeDet(new Uint8Array([51]), 1, 1, 1);
    expect(out[0]).toBeCloseTo((0.2 - 0.485) / 0.229, 5);
    expect(out[2]).toBeCloseTo((0.2 - 0.406) / 0.225, 5);
  });
});

describe(prepareDetInput.name, () => {
  it('pads a single-line image to the minimum short side and maps detector pixels back to the page', async () => {
    const page = { data: Buffer.alloc(300 * 40 * 3, 255), width: 300, height: 40, channels: 3 as const };
    const { tensor, geometry } = await prepareDetInput(page, { maxSide: 1280, minShortSide: 96, upscaleTo: 0, maxUpscale: 1 });
    expect(geometry.pad).toBe(28);
    expect(geometry.width % 32).toBe(0);
    expect(geometry.height % 32).toBe(0);
    expect(tensor.length).toBe(3 * geometry.width * geometry.height);
    const [x, y] = detToPage(geometry, 28 * geometry.scaleX, 28 * geometry.scaleY);
    expect(x).toBeCloseTo(0, 5);
    expect(y).toBeCloseTo(0, 5);
  });
});

describe(dbOptionsFor.name, () => {
  const resize = { maxSide: 1280, minShortSide: 96, upscaleTo: 960, maxUpscale: 2 };
  const geometry = (scale: number) => ({ width: 512, height: 288, pad: 0, scaleX: scale, scaleY: scale });

  it('turns the margin in page pixels into a minimum unclip distance in detector pixels', () => {
    expect(dbOptionsFor({ ...resize, ...DB_DEFAULTS, minMargin: 2.5 }, geometry(2)).minUnclip).toBeCloseTo(5);
    expect(dbOptionsFor({ ...resize, ...DB_DEFAULTS, minMargin: 2.5 }, geometry(0.4)).minUnclip).toBeCloseTo(1);
  });

  it("leaves PaddleOCR's post-process alone without a margin", () => {
    const options = { ...resize, ...DB_DEFAULTS };
    expect(dbOptionsFor(options, geometry(2))).toBe(options);
  });
});

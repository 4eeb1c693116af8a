import type { PageRaster } from '../load/load';
import { cropLine, rotate180, warpQuad } from './crop';

/** A page whose pixel (x, y) is RGB (x, y, 7): every sample tells where it came from. */
function coordinatePage(width: number, height: number): PageRaster {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x, y, 7], (y * width + x) * 3);
  return { data, width, height, channels: 3 };
}

const px = (img: Uint8Array, w: number, x: number, y: number) => Array.from(img.subarray((y * w + x) * 3, (y * w + x) * 3 + 3));

describe(warpQuad.name, () => {
  it('maps the quad corners onto the crop corners (axis-aligned, same scale)', () => {
    const page = coordinatePage(200, 200);
    const out = warpQuad(page, [[10, 20], [110, 20], [110, 70], [10, 70]], 100, 50);
    expect(px(out, 100, 0, 0)).toEqual([10, 20, 7]);
    expect(px(out, 100, 99, 0)).toEqual([109, 20, 7]);
    expect(px(out, 100, 0, 49)).toEqual([10, 69, 7]);
    expect(px(out, 100, 50, 25)).toEqual([60, 45, 7]);
  });

  it('follows a rotated quad (perspective warp)', () => {
    const page = coordinatePage(200, 200);
    // A square turned 90°: its top edge runs down the page.
    const out = warpQuad(page, [[150, 20], [150, 120], [100, 120], [100, 20]], 100, 50);
    expect(px(out, 100, 0, 0)).toEqual([149, 20, 7]);
    expect(px(out, 100, 99, 0)).toEqual([149, 119, 7]);
  });
});

describe(cropLine.name, () => {
  it('scales the crop to the recogniser height keeping the aspect ratio', () => {
    const crop = cropLine(coordinatePage(255, 255), [[0, 0], [240, 0], [240, 24], [0, 24]], { height: 48, tallRatio: 1.5 });
    expect([crop.width, crop.height]).toEqual([480, 48]);
    expect([crop.nativeWidth, crop.nativeHeight]).toEqual([240, 24]);
  });

  it('turns crops at least 1.5 times taller than wide by 90° counter-clockwise', () => {
    const crop = cropLine(coordinatePage(255, 255), [[100, 10], [130, 10], [130, 190], [100, 190]], { height: 30, tallRatio: 1.5 });
    expect(crop.width).toBe(180);
    // The crop's top-left is the box's top-right corner; its top edge runs down the box's right side.
    expect(px(crop.data, crop.width, 0, 0)).toEqual([129, 10, 7]);
    expect(px(crop.data, crop.width, crop.width - 1, 0)).toEqual([129, 189, 7]);
  });

  it('leaves boxes just under the ratio as they are', () => {
    const crop = cropLine(coordinatePage(255, 255), [[0, 0], [100, 0], [100, 149], [0, 149]], { height: 48, tallRatio: 1.5 });
    expect(crop.quad[0]).toEqual([0, 0]);
  });
});

describe(rotate180.name, () => {
  it('turns the pixels and the quad', () => {
    const crop = cropLine(coordinatePage(100, 100), [[0, 0], [96, 0], [96, 48], [0, 48]], { height: 48, tallRatio: 1.5 });
    const turned = rotate180(crop);
    expect(px(turned.data, turned.width, 0, 0)).toEqual(px(crop.data, crop.width, crop.width - 1, 47));
    expect(turned.quad[0]).toEqual([96, 48]);
  });
});

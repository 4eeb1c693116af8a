import { warmUpPdfjs, warmUpRasterizer } from './pdf.warmup';

describe('pdf.js warm-up', () => {
  it('opens and rasterizes its tiny page without an error', async () => {
    await expect(warmUpPdfjs()).resolves.toBeUndefined();
    await expect(warmUpRasterizer()).resolves.toBeUndefined();
  });
});

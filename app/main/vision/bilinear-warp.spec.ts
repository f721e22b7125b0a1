import { describe, expect, it } from 'vitest';
import { toRgbBytes, warpAffine } from './bilinear-warp.ts';
import type { RgbImage } from './rgb-image.ts';

function gradient(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      data[o] = (x * 7) % 256;
      data[o + 1] = (y * 5) % 256;
      data[o + 2] = (x * y) % 256;
    }
  }
  return { width, height, data };
}

describe('warpAffine', () => {
  const image = gradient(40, 30);

  it('reproduces the image under the identity map', () => {
    expect(toRgbBytes(warpAffine(image, [1, 0, 0, 0, 1, 0], 40, 30)).data).toEqual(image.data);
  });

  it('moves pixels by whole-pixel translations exactly', () => {
    const shifted = toRgbBytes(warpAffine(image, [1, 0, -5, 0, 1, -3], 20, 20));
    for (const [u, v] of [
      [0, 0],
      [7, 11],
      [19, 19],
    ]) {
      const o = (v * 20 + u) * 3;
      const s = ((v + 3) * 40 + (u + 5)) * 3;
      expect(Array.from(shifted.data.subarray(o, o + 3))).toEqual(Array.from(image.data.subarray(s, s + 3)));
    }
  });

  it('interpolates halfway between pixels', () => {
    const out = warpAffine(image, [1, 0, -0.5, 0, 1, 0], 10, 1);
    expect(out.data[0]).toBeCloseTo((image.data[0] + image.data[3]) / 2, 5);
  });

  it('fills black outside the source only when asked', () => {
    const far: [number, number, number, number, number, number] = [1, 0, -100, 0, 1, -100];
    expect(Math.max(...warpAffine(image, far, 4, 4, 'black').data)).toBe(0);
    expect(Math.max(...warpAffine(image, far, 4, 4, 'clamp').data)).toBeGreaterThan(0);
  });

  it('is deterministic, including the box-filtered path for strong reductions', () => {
    const big = gradient(400, 300);
    const shrink: [number, number, number, number, number, number] = [0.1, 0.02, 3, -0.02, 0.1, 5];
    expect(warpAffine(big, shrink, 32, 32).data).toEqual(warpAffine(big, shrink, 32, 32).data);
  });
});

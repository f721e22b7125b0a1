import { composeAffine, invertAffine, sourcePixelsPerOutputPixel, type Affine } from './affine.ts';
import type { RgbImage } from './rgb-image.ts';

export type Border = 'clamp' | 'black';

/** A warped RGB image as float samples in 0‥255, ready to normalise for a model or round to bytes. */
export interface FloatRgb {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/**
 * Resamples `source` through `toOutput` (source → output coordinates) onto a `width`×`height` grid.
 * Bilinear and fully deterministic (plain float arithmetic, no library filters). When the map
 * shrinks by 2× or more, the source is first box-averaged by the integer factor, so a large photo
 * reduced to a 112-pixel crop does not alias.
 */
export function warpAffine(source: RgbImage, toOutput: Affine, width: number, height: number, border: Border = 'clamp'): FloatRgb {
  const factor = Math.floor(sourcePixelsPerOutputPixel(toOutput));
  if (factor >= 2) {
    const reduced = boxReduce(source, factor);
    return warpAffine(reduced, composeAffine(toOutput, [factor, 0, 0, 0, factor, 0]), width, height, border);
  }
  const inverse = invertAffine(toOutput);
  const out = new Float32Array(width * height * 3);
  const { width: sw, height: sh, data } = source;
  const maxX = sw - 1;
  const maxY = sh - 1;
  const black = border === 'black';
  for (let v = 0; v < height; v++) {
    // Source sample position in pixel-index space (pixel centres at integers), stepped along the row.
    let x = inverse[0] * 0.5 + inverse[1] * (v + 0.5) + inverse[2] - 0.5;
    let y = inverse[3] * 0.5 + inverse[4] * (v + 0.5) + inverse[5] - 0.5;
    let o = v * width * 3;
    for (let u = 0; u < width; u++, x += inverse[0], y += inverse[3], o += 3) {
      if (black && (x < -0.5 || y < -0.5 || x > sw - 0.5 || y > sh - 0.5)) continue;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      const xa = x0 < 0 ? 0 : x0 > maxX ? maxX : x0;
      const xb = x0 + 1 < 0 ? 0 : x0 + 1 > maxX ? maxX : x0 + 1;
      const ya = y0 < 0 ? 0 : y0 > maxY ? maxY : y0;
      const yb = y0 + 1 < 0 ? 0 : y0 + 1 > maxY ? maxY : y0 + 1;
      const p00 = (ya * sw + xa) * 3;
      const p01 = (ya * sw + xb) * 3;
      const p10 = (yb * sw + xa) * 3;
      const p11 = (yb * sw + xb) * 3;
      const w00 = (1 - fx) * (1 - fy);
      const w01 = fx * (1 - fy);
      const w10 = (1 - fx) * fy;
      const w11 = fx * fy;
      out[o] = data[p00] * w00 + data[p01] * w01 + data[p10] * w10 + data[p11] * w11;
      out[o + 1] = data[p00 + 1] * w00 + data[p01 + 1] * w01 + data[p10 + 1] * w10 + data[p11 + 1] * w11;
      out[o + 2] = data[p00 + 2] * w00 + data[p01 + 2] * w01 + data[p10 + 2] * w10 + data[p11 + 2] * w11;
    }
  }
  return { width, height, data: out };
}

export function toRgbBytes(image: FloatRgb): RgbImage {
  const data = new Uint8Array(image.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.min(255, Math.max(0, Math.round(image.data[i])));
  return { width: image.width, height: image.height, data };
}

/** Averages `factor`×`factor` blocks; a partial block at the right or bottom edge averages what it has. */
function boxReduce(source: RgbImage, factor: number): RgbImage {
  const width = Math.ceil(source.width / factor);
  const height = Math.ceil(source.height / factor);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const y1 = Math.min(source.height, (y + 1) * factor);
    for (let x = 0; x < width; x++) {
      const x1 = Math.min(source.width, (x + 1) * factor);
      let r = 0;
      let g = 0;
      let b = 0;
      let n = 0;
      for (let sy = y * factor; sy < y1; sy++) {
        for (let sx = x * factor; sx < x1; sx++) {
          const p = (sy * source.width + sx) * 3;
          r += source.data[p];
          g += source.data[p + 1];
          b += source.data[p + 2];
          n++;
        }
      }
      const o = (y * width + x) * 3;
      data[o] = Math.round(r / n);
      data[o + 1] = Math.round(g / n);
      data[o + 2] = Math.round(b / n);
    }
  }
  return { width, height, data };
}

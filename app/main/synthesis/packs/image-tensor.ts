import type { ValueRange } from './pack-manifest.ts';

/**
 * Synthesis keeps images as planar RGB float32 in [0, 1] (CHW, one image per array); packs see
 * their own declared range only at the model boundary.
 */
export interface PlanarImage {
  readonly size: number;
  readonly data: Float32Array;
}

export function toPackRange(data: Float32Array, range: ValueRange): Float32Array {
  const out = new Float32Array(data.length);
  if (range === '-1..1') for (let i = 0; i < data.length; i += 1) out[i] = data[i] * 2 - 1;
  else if (range === '0..255') for (let i = 0; i < data.length; i += 1) out[i] = data[i] * 255;
  else out.set(data);
  return out;
}

export function fromPackRange(data: Float32Array, range: ValueRange): Float32Array {
  const out = new Float32Array(data.length);
  if (range === '-1..1') for (let i = 0; i < data.length; i += 1) out[i] = (data[i] + 1) / 2;
  else if (range === '0..255') for (let i = 0; i < data.length; i += 1) out[i] = data[i] / 255;
  else out.set(data);
  return out;
}

/** Interleaved RGB (bytes from sharp, or the vision module's 0‥255 floats) to planar [0, 1]; `scale` is the input's white. */
export function planarFromInterleaved(rgb: ArrayLike<number>, size: number, scale: number): PlanarImage {
  const plane = size * size;
  if (rgb.length !== plane * 3) throw new Error(`expected ${plane * 3} RGB values for ${size}x${size}, got ${rgb.length}`);
  const data = new Float32Array(plane * 3);
  for (let i = 0; i < plane; i += 1) {
    data[i] = rgb[i * 3] / scale;
    data[plane + i] = rgb[i * 3 + 1] / scale;
    data[2 * plane + i] = rgb[i * 3 + 2] / scale;
  }
  return { size, data };
}

/** Planar [0, 1] to interleaved [0, 1] floats (the vision module's layout). */
export function interleavedFromPlanar(image: PlanarImage): Float32Array {
  const plane = image.size * image.size;
  const out = new Float32Array(plane * 3);
  for (let i = 0; i < plane; i += 1) {
    out[i * 3] = image.data[i];
    out[i * 3 + 1] = image.data[plane + i];
    out[i * 3 + 2] = image.data[2 * plane + i];
  }
  return out;
}

/** Planar [0, 1] to interleaved 8-bit RGB; rounding is explicit so the bytes never depend on the platform. */
export function rgbFromPlanar(image: PlanarImage): Uint8Array {
  const plane = image.size * image.size;
  const rgb = new Uint8Array(plane * 3);
  for (let c = 0; c < 3; c += 1) {
    for (let i = 0; i < plane; i += 1) {
      const v = Math.round(image.data[c * plane + i] * 255);
      rgb[i * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return rgb;
}

/** Bilinear resize of a planar image (edges clamped), for packs whose output size differs from the crop's. */
export function resizePlanar(image: PlanarImage, size: number): PlanarImage {
  if (image.size === size) return image;
  const src = image.size;
  const out = new Float32Array(size * size * 3);
  const scale = src / size;
  for (let y = 0; y < size; y += 1) {
    const fy = Math.min(Math.max((y + 0.5) * scale - 0.5, 0), src - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, src - 1);
    const wy = fy - y0;
    for (let x = 0; x < size; x += 1) {
      const fx = Math.min(Math.max((x + 0.5) * scale - 0.5, 0), src - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, src - 1);
      const wx = fx - x0;
      for (let c = 0; c < 3; c += 1) {
        const p = image.data.subarray(c * src * src, (c + 1) * src * src);
        const top = p[y0 * src + x0] * (1 - wx) + p[y0 * src + x1] * wx;
        const bottom = p[y1 * src + x0] * (1 - wx) + p[y1 * src + x1] * wx;
        out[c * size * size + y * size + x] = top * (1 - wy) + bottom * wy;
      }
    }
  }
  return { size, data: out };
}

/** Box-filter downsample of a planar RGB image by an integer factor. */
export function boxDownsample(data: Float32Array, size: number, target: number): Float32Array {
  const f = size / target;
  const out = new Float32Array(3 * target * target);
  const inv = 1 / (f * f);
  for (let c = 0; c < 3; c += 1) {
    for (let y = 0; y < target; y += 1) {
      for (let x = 0; x < target; x += 1) {
        let s = 0;
        for (let dy = 0; dy < f; dy += 1) {
          const row = c * size * size + (y * f + dy) * size + x * f;
          for (let dx = 0; dx < f; dx += 1) s += data[row + dx];
        }
        out[c * target * target + y * target + x] = s * inv;
      }
    }
  }
  return out;
}

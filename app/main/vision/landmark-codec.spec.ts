import { describe, expect, it } from 'vitest';
import { seededUniform } from '../core/seeded-random.ts';
import { decodeLandmarks, encodeLandmarks } from './landmark-codec.ts';

function mesh(seed: number, scale: number, offset: number): Float32Array {
  const random = seededUniform(seed);
  return Float32Array.from({ length: 468 * 3 }, (_, i) => offset * (i % 3 === 2 ? 0 : 1) + (random() - 0.5) * scale);
}

describe('the packed landmark mesh', () => {
  it('keeps every coordinate within 1/8000 of the face extent, in 38% of the float32 bytes', () => {
    for (const [scale, offset] of [
      [100, 120],
      [1500, 3000],
    ]) {
      const values = mesh(scale, scale, offset);
      const packed = encodeLandmarks(values);
      expect(packed.length).toBe(28 + (468 * 3 * 12) / 8);
      expect(packed.length / values.byteLength).toBeLessThan(0.39);
      const back = decodeLandmarks(packed);
      expect(back).toHaveLength(values.length);
      const worst = Math.max(...back.map((v, i) => Math.abs(v - values[i])));
      expect(worst).toBeLessThanOrEqual(scale / 8000);
    }
  });

  it('still reads the float32 blobs of older projects, from unaligned buffers too', () => {
    const values = mesh(3, 200, 50);
    const bytes = Buffer.alloc(values.byteLength + 1);
    Buffer.from(values.buffer).copy(bytes, 1);
    expect(decodeLandmarks(bytes.subarray(1))).toEqual(values);
  });

  it('keeps a flat axis (all points at one depth) exact', () => {
    const values = mesh(4, 80, 10).map((v, i) => (i % 3 === 2 ? 7 : v));
    const back = decodeLandmarks(encodeLandmarks(values));
    for (let i = 2; i < back.length; i += 3) expect(back[i]).toBe(7);
  });
});

import { describe, expect, it } from 'vitest';
import { templatePoints } from '../../vision/face-templates.ts';
import { seededUniform } from '../../core/seeded-random.ts';
import { buildRegionMasks, buildSwapMask, regionNames } from './region-masks.ts';

describe('region masks on the generator template', () => {
  const size = 64;
  const masks = buildRegionMasks(size, null, null);
  const at = (name: keyof typeof masks, [x, y]: readonly [number, number]) => masks[name][Math.floor(y) * size + Math.floor(x)];
  const [eyeL, eyeR, nose, mouthL, mouthR] = templatePoints('generator', size);
  const mouth = [(mouthL[0] + mouthR[0]) / 2, (mouthL[1] + mouthR[1]) / 2] as const;

  it('puts each facial part where the template has it, and the face is never background', () => {
    expect(at('eyes', eyeL)).toBeGreaterThan(0.5);
    expect(at('eyes', eyeR)).toBeGreaterThan(0.5);
    expect(at('mouth', mouth)).toBeGreaterThan(0.5);
    expect(at('nose', [nose[0], nose[1] - 3])).toBeGreaterThan(0.5);
    expect(at('skin', [eyeL[0], (eyeL[1] + mouthL[1]) / 2])).toBeGreaterThan(0.5);
    for (const point of [eyeL, eyeR, nose, mouth]) expect(at('background', point)).toBe(0);
    expect(at('background', [1, size - 2])).toBeGreaterThan(0.5);
  });

  it('keeps every mask soft and inside [0, 1]', () => {
    for (const name of regionNames) {
      const values = [...masks[name]];
      expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...values)).toBeLessThanOrEqual(1.0001);
      expect(values.some((v) => v > 0.05 && v < 0.95)).toBe(true);
    }
  });

  it('gives a swap its hair or background matte alone, the same pixels as the full set', () => {
    const random = seededUniform(5);
    const mesh = Float32Array.from({ length: 468 * 2 }, () => size * (0.3 + 0.4 * random()));
    const person = Float32Array.from({ length: size * size }, () => random());
    for (const [landmarks, matte] of [
      [null, null],
      [mesh, person],
    ] as const) {
      const all = buildRegionMasks(size, landmarks, matte);
      for (const kind of ['hair', 'background'] as const) expect(buildSwapMask(size, landmarks, matte, kind)).toEqual(all[kind]);
    }
  });
});

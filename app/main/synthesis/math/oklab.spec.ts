import { describe, expect, it } from 'vitest';
import { oklabFromRgb, rgbFromOklab } from './oklab.ts';

describe('Oklab', () => {
  it('puts white at lightness 1 and greys on the neutral axis, and converts back to the same sRGB', () => {
    const white = oklabFromRgb([1, 1, 1]);
    expect(white[0]).toBeCloseTo(1, 4);
    for (const grey of [0.1, 0.5, 0.9]) {
      const [, a, b] = oklabFromRgb([grey, grey, grey]);
      expect(Math.hypot(a, b)).toBeLessThan(1e-4);
    }
    for (const rgb of [
      [0.8, 0.4, 0.3],
      [0.2, 0.6, 0.9],
      [0.05, 0.05, 0.02],
    ]) {
      rgbFromOklab(oklabFromRgb(rgb)).forEach((v, c) => expect(v).toBeCloseTo(rgb[c], 6));
    }
  });

  it('keeps a reference red where Ottosson’s published table has it', () => {
    // sRGB red: L 0.628, a 0.225, b 0.126 (bottosson.github.io/posts/oklab).
    const [L, a, b] = oklabFromRgb([1, 0, 0]);
    expect(L).toBeCloseTo(0.628, 3);
    expect(a).toBeCloseTo(0.225, 3);
    expect(b).toBeCloseTo(0.126, 3);
  });
});

import { describe, expect, it } from 'vitest';
import { applyAffine, composeAffine, invertAffine, similarityAbout, type Point } from './affine.ts';
import { templatePoints, templateToTemplate, transformForSize } from './face-templates.ts';
import { alignmentError, estimateSimilarity } from './similarity-transform.ts';

describe('estimateSimilarity', () => {
  it('recovers a known rotation, scale and translation exactly', () => {
    const truth = similarityAbout([40, 60], 0.3, 1.7, [100, 20]);
    const from: Point[] = [
      [10, 10],
      [80, 15],
      [45, 50],
      [20, 90],
      [70, 88],
    ];
    const to = from.map((p) => applyAffine(truth, p));
    const found = estimateSimilarity(from, to);
    found.forEach((v, i) => expect(v).toBeCloseTo(truth[i], 9));
    expect(alignmentError(found, from, to)).toBeLessThan(1e-9);
  });

  it('never reflects, even when a mirror image would fit better', () => {
    const from: Point[] = [
      [0, 0],
      [10, 0],
      [0, 10],
    ];
    const mirrored = from.map(([x, y]) => [-x, y] as Point);
    const m = estimateSimilarity(from, mirrored);
    expect(m[0] * m[4] - m[1] * m[3]).toBeGreaterThanOrEqual(0);
  });
});

describe('templates', () => {
  it('maps one template onto the other up to their small difference in face shape', () => {
    const between = templateToTemplate('generator', 256, 'arcface', 112);
    const moved = templatePoints('generator', 256).map((p) => applyAffine(between, p));
    // FFHQ's template has a slightly longer nose-to-mouth span than ArcFace's: ~2 px RMS at 112.
    expect(alignmentError([1, 0, 0, 0, 1, 0], moved, templatePoints('arcface', 112))).toBeLessThan(2.5);
  });

  it('rescales a reference transform to any crop size', () => {
    const reference = similarityAbout([50, 50], 0.1, 0.8, [56, 56]);
    const at224 = transformForSize(reference, 'arcface', 224);
    const p: Point = [33, 71];
    const [x, y] = applyAffine(reference, p);
    const [x2, y2] = applyAffine(at224, p);
    expect(x2).toBeCloseTo(x * 2, 9);
    expect(y2).toBeCloseTo(y * 2, 9);
    const roundTrip = composeAffine(invertAffine(at224), at224);
    roundTrip.forEach((v, i) => expect(v).toBeCloseTo([1, 0, 0, 0, 1, 0][i], 9));
  });
});

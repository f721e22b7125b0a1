import { describe, expect, it } from 'vitest';
import { flagOutliers, MIN_SIMILARITY } from './outlier-rule.ts';

describe('flagOutliers', () => {
  it('flags the face far from an otherwise tight identity', () => {
    const similarities = [0.91, 0.9, 0.88, 0.92, 0.89, 0.9, 0.62];
    expect(flagOutliers(similarities)).toEqual([false, false, false, false, false, false, true]);
  });

  it('leaves ordinary spread alone', () => {
    expect(flagOutliers([0.95, 0.8, 0.85, 0.9, 0.78, 0.88]).some(Boolean)).toBe(false);
  });

  it('uses only the absolute floor when an identity has too few faces for statistics', () => {
    expect(flagOutliers([0.93, 0.7])).toEqual([false, false]);
    expect(flagOutliers([0.93, MIN_SIMILARITY - 0.01])).toEqual([false, true]);
  });

  it('means the same on dlib, whose different-person cosines sit near 0.84', () => {
    // 0.86 is barely above dlib's chance level (a stranger), 0.95 a typical same-person score.
    expect(flagOutliers([0.95, 0.86], 'dlib')).toEqual([false, true]);
    expect(flagOutliers([0.95, 0.86])).toEqual([false, false]);
  });
});

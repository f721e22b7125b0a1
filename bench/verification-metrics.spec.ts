import { describe, expect, it } from 'vitest';
import { parseLfwPairs } from './eval-identity.ts';
import { bestThreshold, foldedAccuracy, fuseScores, rocSummary, thresholdAtFar, type ScoredPair } from './verification-metrics.ts';

const same = (score: number | null): ScoredPair => ({ same: true, score });
const diff = (score: number | null): ScoredPair => ({ same: false, score });

describe('verification metrics', () => {
  it('puts the threshold between the classes and counts a failure to enrol as an error', () => {
    const pairs = [same(0.9), same(0.8), diff(0.3), diff(0.2)];
    const t = bestThreshold(pairs);
    expect(t).toBeGreaterThan(0.3);
    expect(t).toBeLessThan(0.8);
    const folds = [pairs, [same(0.85), diff(0.25)], [same(null), diff(0.1)]];
    const result = foldedAccuracy(folds);
    expect(result.perFold).toEqual([1, 1, 0.5]);
    expect(result.accuracy).toBeCloseTo(2.5 / 3, 12);
  });

  it('chooses each fold’s threshold on the other folds only', () => {
    // Fold 0 alone would be separable at 0.5; the other folds put the cut near 0.75, so fold 0 loses a pair.
    const folds = [
      [same(0.6), diff(0.4)],
      [same(0.8), diff(0.7)],
      [same(0.9), diff(0.72)],
    ];
    expect(foldedAccuracy(folds).perFold[0]).toBe(0.5);
  });

  it('reads TAR at a FAR off the different-pair scores, and rejects a same pair that failed to enrol', () => {
    const different = Array.from({ length: 1000 }, (_, i) => i / 1000);
    expect(thresholdAtFar(different, 1e-2)).toBe(0.989);
    const summary = rocSummary([...different.map(diff), same(0.995), same(0.9995), same(null)]);
    expect(summary.tarAtFar1e2).toBeCloseTo(2 / 3, 12);
    expect(summary.tarAtFar1e3).toBeCloseTo(1 / 3, 12);
    expect(summary.failedToEnrol).toBe(1);
  });

  it('fuses z-normalised scores and gives no score when any model lacks one', () => {
    expect(
      fuseScores(
        [0.9, 0.5],
        [
          { mean: 0.8, std: 0.05 },
          { mean: 0.3, std: 0.1 },
        ],
      ),
    ).toBeCloseTo(2, 12);
    expect(
      fuseScores(
        [0.9, null],
        [
          { mean: 0.8, std: 0.05 },
          { mean: 0.3, std: 0.1 },
        ],
      ),
    ).toBeNull();
  });

  it('splits a restricted LFW pairs file into its folds (a same-person run, then a different-person run)', () => {
    const text = ['A\t1\t2', 'B\t1\t3', 'A\t1\tC\t2', 'D\t2\t4', 'E\t1\tF\t1', 'G\t3\tH\t1', ''].join('\n');
    const folds = parseLfwPairs(text, '/lfw');
    expect(folds.map((f) => f.map((p) => p.same))).toEqual([
      [true, true, false],
      [true, false, false],
    ]);
    expect(folds[0][2]).toEqual({ a: '/lfw/A/A_0001.jpg', b: '/lfw/C/C_0002.jpg', same: false });
  });
});

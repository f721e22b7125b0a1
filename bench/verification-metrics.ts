/**
 * Face-verification statistics over scored pairs: ROC summaries (AUC, TAR at a FAR, the threshold
 * for a FAR), the LFW 10-fold protocol (threshold chosen on the other nine folds), and score fusion
 * by z-normalised cosines. A pair whose photo yielded no face (failure to enrol) carries score null:
 * it is an error for accuracy at any threshold, a rejection for TAR, and never a false accept.
 */

export interface ScoredPair {
  readonly same: boolean;
  /** Cosine similarity, or null when either photo failed to enrol. */
  readonly score: number | null;
}

export interface RocSummary {
  readonly samePairs: number;
  readonly differentPairs: number;
  readonly failedToEnrol: number;
  readonly auc: number;
  readonly tarAtFar1e2: number;
  readonly tarAtFar1e3: number;
  readonly thresholdAtFar1e2: number;
  readonly thresholdAtFar1e3: number;
  readonly meanSame: number;
  readonly meanDifferent: number;
}

export interface FoldedAccuracy {
  readonly folds: number;
  /** Mean of the per-fold accuracies, and their standard deviation (population, as LFW reports it). */
  readonly accuracy: number;
  readonly std: number;
  readonly perFold: readonly number[];
  readonly thresholds: readonly number[];
}

const FTE_SCORE = -Infinity;

function sortedScores(pairs: readonly ScoredPair[], same: boolean): number[] {
  return pairs
    .filter((p) => p.same === same)
    .map((p) => p.score ?? FTE_SCORE)
    .sort((a, b) => a - b);
}

export function lowerBound(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function upperBound(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The lowest threshold t such that "score > t" accepts at most `far` of the different pairs (sorted
 * ascending). With n different pairs, FAR below 1/n is not measurable: the threshold is then the
 * highest different-pair score.
 */
export function thresholdAtFar(sortedDifferent: ArrayLike<number>, far: number): number {
  const n = sortedDifferent.length;
  if (n === 0) return -Infinity;
  const allowed = Math.min(Math.floor(far * n), n - 1);
  return sortedDifferent[n - 1 - allowed];
}

/** Share of same pairs scoring strictly above `threshold` (sorted ascending). */
export function acceptRate(sorted: ArrayLike<number>, threshold: number): number {
  return sorted.length === 0 ? 0 : (sorted.length - upperBound(sorted, threshold)) / sorted.length;
}

export function rocSummary(pairs: readonly ScoredPair[]): RocSummary {
  const pos = sortedScores(pairs, true);
  const neg = sortedScores(pairs, false);
  // AUC as the Mann–Whitney statistic: P(same score > different score), ties counted half.
  let wins = 0;
  for (const p of pos) wins += lowerBound(neg, p) + (upperBound(neg, p) - lowerBound(neg, p)) / 2;
  const finiteMean = (v: readonly number[]) => {
    const finite = v.filter(Number.isFinite);
    return finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : 0;
  };
  const t2 = thresholdAtFar(neg, 1e-2);
  const t3 = thresholdAtFar(neg, 1e-3);
  return {
    samePairs: pos.length,
    differentPairs: neg.length,
    failedToEnrol: pairs.filter((p) => p.score === null).length,
    auc: pos.length && neg.length ? wins / (pos.length * neg.length) : 0,
    tarAtFar1e2: acceptRate(pos, t2),
    tarAtFar1e3: acceptRate(pos, t3),
    thresholdAtFar1e2: t2,
    thresholdAtFar1e3: t3,
    meanSame: finiteMean(pos),
    meanDifferent: finiteMean(neg),
  };
}

/** Correct decisions of "same when score > threshold"; a failure to enrol is always wrong. */
function correctAt(pairs: readonly ScoredPair[], threshold: number): number {
  let correct = 0;
  for (const { same, score } of pairs) if (score !== null && score > threshold === same) correct++;
  return correct;
}

/** The threshold with the most correct decisions on `pairs` (midpoint between neighbouring scores). */
export function bestThreshold(pairs: readonly ScoredPair[]): number {
  const scored = pairs.filter((p): p is ScoredPair & { score: number } => p.score !== null).sort((a, b) => a.score - b.score);
  if (scored.length === 0) return 0;
  // Sweep: start with everything accepted, then move the threshold past one score at a time.
  let correct = scored.filter((p) => p.same).length;
  let best = correct;
  let threshold = scored[0].score - 1e-6;
  for (let i = 0; i < scored.length; i++) {
    correct += scored[i].same ? -1 : 1;
    if (i + 1 < scored.length && scored[i + 1].score === scored[i].score) continue;
    if (correct > best) {
      best = correct;
      threshold = i + 1 < scored.length ? (scored[i].score + scored[i + 1].score) / 2 : scored[i].score + 1e-6;
    }
  }
  return threshold;
}

type Folds = readonly (readonly ScoredPair[])[];

/**
 * The LFW protocol: per fold, the best threshold on the other folds, applied to this one.
 * `scoredFor(k)`, when given, rescores every fold for test fold k (a fusion whose normalisation is
 * fitted on the other nine folds only).
 */
export function foldedAccuracy(folds: Folds, scoredFor?: (testFold: number) => Folds): FoldedAccuracy {
  const perFold: number[] = [];
  const thresholds: number[] = [];
  folds.forEach((_, k) => {
    const view = scoredFor ? scoredFor(k) : folds;
    const test = view[k];
    const train = view.filter((_, j) => j !== k).flat();
    const threshold = bestThreshold(train);
    thresholds.push(threshold);
    perFold.push(test.length ? correctAt(test, threshold) / test.length : 0);
  });
  const accuracy = perFold.reduce((a, b) => a + b, 0) / perFold.length;
  const std = Math.sqrt(perFold.reduce((a, v) => a + (v - accuracy) ** 2, 0) / perFold.length);
  return { folds: folds.length, accuracy, std, perFold, thresholds };
}

export interface ZNorm {
  readonly mean: number;
  readonly std: number;
}

/** Mean and standard deviation of different-person scores: the impostor distribution a z-score is measured against. */
export function impostorZNorm(pairs: readonly ScoredPair[]): ZNorm {
  const scores = pairs.filter((p) => !p.same && p.score !== null).map((p) => p.score as number);
  const mean = scores.reduce((a, b) => a + b, 0) / Math.max(1, scores.length);
  const std = Math.sqrt(scores.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, scores.length)) || 1;
  return { mean, std };
}

/** Mean of the models' z-normalised scores; null when any model has no score (failure to enrol). */
export function fuseScores(scores: readonly (number | null)[], norms: readonly ZNorm[]): number | null {
  let sum = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (s === null) return null;
    sum += (s - norms[i].mean) / norms[i].std;
  }
  return sum / scores.length;
}

import { median } from '../core/median.ts';
import type { EmbeddingModelName } from './embedding-models.ts';
import { IMPOSTOR_COSINE } from './identity-calibration.ts';

/**
 * Which faces of one identity are probably someone else (a labelling error), from each face's
 * cosine similarity to the identity's centroid. Two tests, either suffices:
 *
 * - absolute: similarity below MIN_SIMILARITY;
 * - relative: with at least MIN_FACES_FOR_STATS faces, a robust z-score of the distance (1 − cos)
 *   above MAX_ROBUST_Z, using median and MAD so the outliers themselves do not widen the spread.
 *   The MAD has a floor so a very tight identity does not flag ordinary variation.
 *
 * Calibrated with faceres on the 924 faces found in ../shared/faces (43 identities): a face's
 * similarity to its own centroid has 1st percentile 0.74 and median 0.90, to the nearest other
 * centroid 99th percentile 0.73. The rule flags 9 correctly labelled faces (1%, unusable Yale
 * shots lit from behind) and catches 127 of 132 simulated mislabellings (one face moved into
 * another identity).
 */
export const MIN_SIMILARITY = 0.45;
/** The model the constants were calibrated with; other models' cosines are mapped onto its scale. */
const CALIBRATED_WITH: EmbeddingModelName = 'faceres';
const MAX_ROBUST_Z = 3.5;
const MIN_FACES_FOR_STATS = 5;
const MIN_SPREAD = 0.03;

/**
 * `similarities` are cosines of `model`. A model with another score scale (dlib's different-person
 * cosines average 0.84, faceres' 0.38) is first mapped onto faceres' scale by matching the
 * different-person score distributions (same number of standard deviations above chance), so the
 * rule means the same whichever model scores.
 */
export function flagOutliers(raw: readonly number[], model: EmbeddingModelName = CALIBRATED_WITH): boolean[] {
  const from = IMPOSTOR_COSINE[model];
  const to = IMPOSTOR_COSINE[CALIBRATED_WITH];
  const similarities = raw.map((s) => to.mean + ((s - from.mean) / from.std) * to.std);
  const distances = similarities.map((s) => 1 - s);
  const robust = similarities.length >= MIN_FACES_FOR_STATS;
  const med = median(distances);
  const spread = Math.max(MIN_SPREAD, 1.4826 * median(distances.map((d) => Math.abs(d - med))));
  return similarities.map((s, i) => s < MIN_SIMILARITY || (robust && (distances[i] - med) / spread > MAX_ROBUST_Z));
}

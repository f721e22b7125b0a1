import type { CalibratedThreshold, IdentityCalibration } from '#api/vision.ts';
import { formatFar } from '#api/score-bands.ts';
import type { EmbeddingModelName } from './embedding-models.ts';

/**
 * What an identity model's cosine means, measured once and shipped as constants (never read from
 * bench results at run time). Data: every pair among the 3,412 photos of the LFW protocol's A–J
 * half (../shared/lfw/dev, the photos pairs-dev.txt uses) that yielded a face — 5,811,696
 * different-person pairs and 4,059 same-person pairs — scored through the app's analysis path by
 * `npm run eval:identity` at commit 245acf48 (faceres-deep added at 1206878 with the same data and
 * the other models' figures unchanged; bench/results/identity.json, `calibration`). A
 * threshold is the cosine above which that share of different-person pairs score; `tar` is the
 * share of same-person pairs above it. In-the-wild news photos: on studio or lighting-controlled
 * photos the same thresholds are conservative for same-person pairs.
 */
const MEASURED: Record<EmbeddingModelName, readonly { far: number; threshold: number; tar: number }[]> = {
  mobileface: [
    { far: 1e-2, threshold: 0.3602, tar: 0.7719 },
    { far: 1e-3, threshold: 0.4503, tar: 0.577 },
    { far: 1e-4, threshold: 0.5186, tar: 0.3979 },
  ],
  faceres: [
    { far: 1e-2, threshold: 0.5661, tar: 0.9384 },
    { far: 1e-3, threshold: 0.6273, tar: 0.832 },
    { far: 1e-4, threshold: 0.6773, tar: 0.6588 },
  ],
  'faceres-deep': [
    { far: 1e-2, threshold: 0.6938, tar: 0.7418 },
    { far: 1e-3, threshold: 0.7539, tar: 0.4977 },
    { far: 1e-4, threshold: 0.7968, tar: 0.2855 },
  ],
  dlib: [
    { far: 1e-2, threshold: 0.9116, tar: 0.9832 },
    { far: 1e-3, threshold: 0.9282, tar: 0.9116 },
    { far: 1e-4, threshold: 0.9409, tar: 0.7692 },
  ],
};

/**
 * Mean and standard deviation of each model's cosine over the same different-person pairs: how far
 * a score sits above chance for that model, for rules that must mean the same on every model.
 */
export const IMPOSTOR_COSINE: Record<EmbeddingModelName, { mean: number; std: number }> = {
  mobileface: { mean: 0.0894, std: 0.1109 },
  faceres: { mean: 0.3814, std: 0.0735 },
  'faceres-deep': { mean: 0.446, std: 0.1078 },
  dlib: { mean: 0.8422, std: 0.034 },
};

const SOURCE =
  'LFW A–J (../shared/lfw/dev, the 3,412 photos of pairs-dev.txt): 5,811,696 different-person and 4,059 same-person pairs, `npm run eval:identity` at commits 245acf48 / 1206878';

export type CalibratedFar = 1e-2 | 1e-3 | 1e-4;

export function identityCalibration(model: EmbeddingModelName): IdentityCalibration {
  const thresholds: CalibratedThreshold[] = MEASURED[model].map((m) => ({ ...m, label: `same person at FAR ${formatFar(m.far)}` }));
  return { model, thresholds, source: SOURCE };
}

/** The model's cosine threshold at a calibrated false-accept rate. */
export function identityThreshold(model: EmbeddingModelName, far: CalibratedFar): number {
  const found = MEASURED[model].find((m) => m.far === far);
  if (!found) throw new RangeError(`${model} has no threshold calibrated at FAR ${far}`);
  return found.threshold;
}

import type { RuleDefaults } from '#api/curation.ts';
import { DEFAULT_EMBEDDING_MODEL } from '../vision/embedding-models.ts';
import { identityCalibration } from '../vision/identity-calibration.ts';

const TARGET_FAR = 1e-3;

/**
 * Diversity is the variant's mean absolute pixel difference from its aligned source (0–1); the
 * synthesis bench measures a median of about 0.03 and a 10th percentile under 0.01 for relighting,
 * so below 0.01 the edit has barely changed the face.
 */
export const FALLBACK_DIVERSITY_THRESHOLD = 0.01;

/**
 * The identity rule's default cut is the scoring model's calibrated threshold at FAR 1e-3: a
 * variant below it is a different person more often than 1 in 1,000 strangers would pass.
 */
export function ruleDefaults(): RuleDefaults {
  const calibration = identityCalibration(DEFAULT_EMBEDDING_MODEL);
  const target = calibration.thresholds.find((t) => t.far === TARGET_FAR);
  if (!target) throw new Error(`${DEFAULT_EMBEDDING_MODEL} has no threshold calibrated at FAR ${TARGET_FAR}`);
  return {
    identityThreshold: target.threshold,
    identitySource: 'calibration',
    identityNote:
      `${DEFAULT_EMBEDDING_MODEL} cosine above which 1 in 1,000 different-person pairs score; ` +
      `${(100 * target.tar).toFixed(1)} % of same-person pairs pass it (${calibration.source}).`,
    far: TARGET_FAR,
    identityModel: DEFAULT_EMBEDDING_MODEL,
    identityThresholds: calibration.thresholds,
    diversityThreshold: FALLBACK_DIVERSITY_THRESHOLD,
    diversityNote: `Below ${FALLBACK_DIVERSITY_THRESHOLD} mean pixel difference from the source, a variant adds almost nothing.`,
  };
}

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RuleDefaults } from '../../api/curation.ts';
import { DEFAULT_EMBEDDING_MODEL } from '../vision/embedding-models.ts';

const TARGET_FAR = 1e-3;

/**
 * Used while the identity bench has reported no threshold at FAR 1e-3 for the model that scores
 * variants (faceres by default). For faceres, bench/results/identity.json puts different people at
 * a mean cosine of about 0.41 and the same person at about 0.75, with the best-accuracy cut near
 * 0.57; a FAR of 1e-3 needs a stricter cut than that, hence 0.6. The measured value replaces it as
 * soon as the bench writes one (e.g. `models.faceres.overall.thresholdAtFar1e3`).
 */
export const FALLBACK_IDENTITY_THRESHOLD = 0.6;

/**
 * Diversity is the variant's mean absolute pixel difference from its aligned source (0–1); the
 * synthesis bench measures a median of about 0.03 and a 10th percentile under 0.01 for relighting,
 * so below 0.01 the edit has barely changed the face.
 */
export const FALLBACK_DIVERSITY_THRESHOLD = 0.01;

/** Source layout (app/main/curation) and bundled layout (out/main) sit at different depths. */
const identityResultCandidates = ['../../../bench/results/identity.json', '../../bench/results/identity.json'].map(
  (relative) => fileURLToPath(new URL(relative, import.meta.url)),
);

export function ruleDefaults(identityResultPaths: readonly string[] = identityResultCandidates): RuleDefaults {
  const measured = identityResultPaths.map(readThreshold).find((t) => t !== null) ?? null;
  return {
    identityThreshold: measured ?? FALLBACK_IDENTITY_THRESHOLD,
    identitySource: measured === null ? 'fallback' : 'bench',
    identityNote:
      measured === null
        ? `The identity bench has not reported a threshold at FAR 1e-3 for ${DEFAULT_EMBEDDING_MODEL}; ${FALLBACK_IDENTITY_THRESHOLD} is an estimate from its score distributions.`
        : `Verification threshold at FAR 1e-3 for ${DEFAULT_EMBEDDING_MODEL}, measured by the identity bench.`,
    far: TARGET_FAR,
    diversityThreshold: FALLBACK_DIVERSITY_THRESHOLD,
    diversityNote: `Below ${FALLBACK_DIVERSITY_THRESHOLD} mean pixel difference from the source, a variant adds almost nothing.`,
  };
}

/** The scoring model's own results come first; a file without per-model results is searched whole. */
function readThreshold(path: string): number | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
  const models = isRecord(parsed) && isRecord(parsed.models) ? parsed.models : null;
  if (models) return findThresholdAtFar(models[DEFAULT_EMBEDDING_MODEL], 0, '');
  return findThresholdAtFar(parsed, 0, '');
}

const MAX_DEPTH = 6;
const FAR_KEY = /^(target_?)?far$/i;
const ENDS_WITH_FAR = /(1e-?0?3|0\.001)$/i;

/**
 * The identity result is written by another part of the app whose shape may change; accept the
 * plausible ones — `{far: 0.001, threshold}` objects anywhere (also in arrays); a number under a key
 * ending in the FAR when that key or its parent names a threshold (`thresholdAtFar1e3`,
 * `thresholds: {"1e-3": t}`); `{"1e-3": {threshold}}` — and nothing else: `tarAtFar1e3` is a rate,
 * not a threshold. Anything that is not a similarity in [-1, 1] is ignored.
 */
export function findThresholdAtFar(value: unknown, depth: number, parentKey: string): number | null {
  if (depth > MAX_DEPTH || !isRecord(value)) {
    if (depth > MAX_DEPTH || !Array.isArray(value)) return null;
    for (const item of value) {
      const found = findThresholdAtFar(item, depth + 1, parentKey);
      if (found !== null) return found;
    }
    return null;
  }
  const farEntry = Object.entries(value).find(([key]) => FAR_KEY.test(key));
  if (farEntry && isTargetFar(farEntry[1]) && isSimilarity(value.threshold)) return value.threshold;
  for (const [key, entry] of Object.entries(value)) {
    if (!ENDS_WITH_FAR.test(key)) continue;
    const namesThreshold = /threshold/i.test(key) || /threshold/i.test(parentKey);
    if (namesThreshold && isSimilarity(entry)) return entry;
    if (isRecord(entry) && isSimilarity(entry.threshold)) return entry.threshold;
  }
  for (const [key, entry] of Object.entries(value)) {
    const found = findThresholdAtFar(entry, depth + 1, key);
    if (found !== null) return found;
  }
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isTargetFar(value: unknown): boolean {
  return typeof value === 'number' && Math.abs(value - TARGET_FAR) < TARGET_FAR * 1e-6;
}

function isSimilarity(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= -1 && value <= 1;
}

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RuleDefaults } from '../../api/curation.ts';

const TARGET_FAR = 1e-3;

/**
 * Used only while the identity bench has not been run: a cosine similarity near where ArcFace-style
 * recognisers operate at FAR 1e-3 on LFW-like pairs. The measured value replaces it once
 * `npm run eval:identity` writes bench/results/identity.json.
 */
export const FALLBACK_IDENTITY_THRESHOLD = 0.3;

/** Variants closer than this to a sibling are treated as near-duplicates until a measured value exists. */
export const FALLBACK_DIVERSITY_THRESHOLD = 0.05;

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
        ? `No identity bench result found; ${FALLBACK_IDENTITY_THRESHOLD} is a typical ArcFace-style cosine threshold near FAR 1e-3. Run npm run eval:identity to measure this model's.`
        : 'Verification threshold at FAR 1e-3 measured by the identity bench.',
    far: TARGET_FAR,
    diversityThreshold: FALLBACK_DIVERSITY_THRESHOLD,
    diversityNote: `Variants whose diversity is below ${FALLBACK_DIVERSITY_THRESHOLD} are near copies of a sibling.`,
  };
}

function readThreshold(path: string): number | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
  return findThresholdAtFar(parsed, 0);
}

const MAX_DEPTH = 6;
const FAR_KEY = /^(target_?)?far$/i;
const FAR_IN_KEY = /(1e-0?3|0\.001)$/i;

/**
 * The identity result is written by another part of the app whose shape may change; accept the
 * plausible ones — `{far: 0.001, threshold}` objects anywhere (also in arrays), and keys ending in
 * the FAR (`"1e-3": t`, `threshold_at_far_1e-3: t`, `thresholds: {"0.001": {threshold}}`) — and
 * ignore anything that is not a similarity in [-1, 1].
 */
export function findThresholdAtFar(value: unknown, depth: number): number | null {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findThresholdAtFar(item, depth + 1);
      if (found !== null) return found;
    }
    return null;
  }
  const record = value as Record<string, unknown>;
  const farEntry = Object.entries(record).find(([key]) => FAR_KEY.test(key));
  if (farEntry && isTargetFar(farEntry[1]) && isSimilarity(record.threshold)) return record.threshold;
  for (const [key, entry] of Object.entries(record)) {
    if (!FAR_IN_KEY.test(key)) continue;
    if (isSimilarity(entry)) return entry;
    if (entry && typeof entry === 'object' && isSimilarity((entry as Record<string, unknown>).threshold)) {
      return (entry as { threshold: number }).threshold;
    }
  }
  for (const entry of Object.values(record)) {
    const found = findThresholdAtFar(entry, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

function isTargetFar(value: unknown): boolean {
  return typeof value === 'number' && Math.abs(value - TARGET_FAR) < TARGET_FAR * 1e-6;
}

function isSimilarity(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= -1 && value <= 1;
}

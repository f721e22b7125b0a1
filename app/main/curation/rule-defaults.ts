import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { RuleDefaults } from '../../api/curation.ts';
import { DEFAULT_EMBEDDING_MODEL } from '../vision/embedding-models.ts';

const TARGET_FAR = 1e-3;

/**
 * Used when `npm run eval:identity` has not written a threshold for the scoring model (a checkout
 * without bench results). For faceres the eval puts different people at a mean cosine of about 0.41
 * and the same person at about 0.75, with the best-accuracy cut near 0.57; FAR 1e-3 needs a stricter
 * cut than that, hence 0.6.
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

const IdentityResult = z.object({ models: z.record(z.string(), z.unknown()) });
const ModelResult = z.object({ overall: z.object({ thresholdAtFar1e3: z.number().min(-1).max(1) }) });

/** `models.<scorer>.overall.thresholdAtFar1e3`, as bench/eval-identity.ts writes it; null when absent or unreadable. */
function readThreshold(path: string): number | null {
  try {
    const file = IdentityResult.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    const model = file.success ? ModelResult.safeParse(file.data.models[DEFAULT_EMBEDDING_MODEL]) : null;
    return model?.success ? model.data.overall.thresholdAtFar1e3 : null;
  } catch {
    return null;
  }
}

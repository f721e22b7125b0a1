import { cosineSimilarity } from '../../vision/identity-embedder.ts';
import type { IdentityScorer } from '../sources/face-source.ts';
import type { RenderedVariant } from './variant-renderer.ts';

export interface IdentityScores {
  readonly toSource: number | null;
  readonly toCentroid: number | null;
  /** The identity other than the variant's own whose centroid the variant is closest to, and that cosine. */
  readonly nearestOtherId: number | null;
  readonly toNearestOther: number | null;
}

const EMPTY: IdentityScores = { toSource: null, toCentroid: null, nearestOtherId: null, toNearestOther: null };

/**
 * Identity cosines of variants to their source crop, their identity's centroid and the closest
 * other identity's centroid ("closer to someone else" is a variant that changed who it shows).
 * Sources and variants go through the same framing and mask (`CropFrame`), the one proven equal to
 * analysis's. If the embedder cannot run (its model files are missing), the job goes on without
 * scores and says so.
 */
export class IdentityScoring {
  readonly #scorer: IdentityScorer | null;
  readonly #sourceEmbeddings = new Map<number, Float32Array>();
  note: string | null = null;

  constructor(scorer: IdentityScorer | null) {
    this.#scorer = scorer;
    if (!scorer) this.note = 'no identity model: variants are saved without identity scores';
  }

  async score(variants: readonly RenderedVariant[], identities: readonly (number | null)[]): Promise<IdentityScores[]> {
    const empty = variants.map(() => EMPTY);
    if (!this.#scorer || this.note) return empty;
    const scorer = this.#scorer;
    try {
      const missing = [
        ...new Map(
          variants.filter((v) => !this.#sourceEmbeddings.has(v.recipe.sourceFaceId)).map((v) => [v.recipe.sourceFaceId, v]),
        ).entries(),
      ];
      const sourceEmbeddings = await scorer.embed(
        missing.map(([, v]) => v.source),
        missing.map(([, v]) => v.frame),
      );
      missing.forEach(([faceId], i) => this.#sourceEmbeddings.set(faceId, sourceEmbeddings[i]));
      const embeddings = await scorer.embed(
        variants.map((v) => v.image),
        variants.map((v) => v.frame),
      );
      const centroids = scorer.centroids();
      return variants.map((variant, i) => {
        const identityId = identities[i];
        const centroid = identityId === null ? null : scorer.centroid(identityId);
        let nearestOtherId: number | null = null;
        let toNearestOther: number | null = null;
        for (const [otherId, vector] of centroids) {
          if (otherId === identityId) continue;
          const cosine = cosineSimilarity(embeddings[i], vector);
          if (toNearestOther === null || cosine > toNearestOther) [nearestOtherId, toNearestOther] = [otherId, cosine];
        }
        return {
          toSource: cosineSimilarity(embeddings[i], this.#sourceEmbeddings.get(variant.recipe.sourceFaceId)!),
          toCentroid: centroid ? cosineSimilarity(embeddings[i], centroid) : null,
          nearestOtherId,
          toNearestOther,
        };
      });
    } catch (error) {
      this.note = `identity scores unavailable (${(error as Error).message}); variants are saved without them`;
      return empty;
    }
  }
}

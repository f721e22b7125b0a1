import { cosineSimilarity } from '../vision/identity-embedder.ts';
import type { IdentityScorer } from './face-source.ts';
import type { RenderedVariant } from './variant-renderer.ts';

interface IdentityScores {
  readonly toSource: number | null;
  readonly toCentroid: number | null;
}

/**
 * Identity cosines of variants to their source crop and to their identity's centroid. If the
 * embedder cannot run (its model files are missing), the job goes on without scores and says so.
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
    const empty = variants.map(() => ({ toSource: null, toCentroid: null }));
    if (!this.#scorer || this.note) return empty;
    try {
      const missing = [...new Map(variants.filter((v) => !this.#sourceEmbeddings.has(v.recipe.sourceFaceId)).map((v) => [v.recipe.sourceFaceId, v.source])).entries()];
      const sourceEmbeddings = await this.#scorer.embed(missing.map(([, image]) => image));
      missing.forEach(([faceId], i) => this.#sourceEmbeddings.set(faceId, sourceEmbeddings[i]));
      const embeddings = await this.#scorer.embed(variants.map((v) => v.image));
      return variants.map((variant, i) => {
        const identityId = identities[i];
        const centroid = identityId === null ? null : this.#scorer!.centroid(identityId);
        return {
          toSource: cosineSimilarity(embeddings[i], this.#sourceEmbeddings.get(variant.recipe.sourceFaceId)!),
          toCentroid: centroid ? cosineSimilarity(embeddings[i], centroid) : null,
        };
      });
    } catch (error) {
      this.note = `identity scores unavailable (${(error as Error).message}); variants are saved without them`;
      return empty;
    }
  }
}

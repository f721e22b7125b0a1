import type { ProjectDatabase } from '../project/project-database.ts';
import { DEFAULT_EMBEDDING_MODEL, type EmbeddingModelName } from '../vision/embedding-models.ts';
import { embedAlignedBatch } from '../vision/identity-embedder.ts';
import type { VisionRuntime } from '../vision/vision-runtime.ts';
import type { IdentityScorer } from './face-source.ts';
import { interleavedFromPlanar, type PlanarImage } from './image-tensor.ts';

/** Scores generator-template images with the vision embedder (it maps them onto its own crop). */
export function visionIdentityScorer(
  vision: VisionRuntime,
  centroid: (identityId: number) => Float32Array | null,
  model: EmbeddingModelName = DEFAULT_EMBEDDING_MODEL,
): IdentityScorer {
  return {
    model,
    embed: (images: readonly PlanarImage[]) =>
      embedAlignedBatch(
        images.map((image) => ({ width: image.size, height: image.size, data: interleavedFromPlanar(image), template: 'generator' as const })),
        { model, runtime: vision },
      ),
    centroid,
  };
}

/** Identity centroids the project's analysis computed, for one embedding model. */
export function projectCentroids(db: ProjectDatabase, model: EmbeddingModelName = DEFAULT_EMBEDDING_MODEL): (identityId: number) => Float32Array | null {
  const query = db.prepare('SELECT vector FROM identity_centroids WHERE identity_id = ? AND model = ?');
  return (identityId) => {
    const row = query.get(identityId, model) as { vector: Buffer } | undefined;
    return row ? new Float32Array(row.vector.buffer.slice(row.vector.byteOffset, row.vector.byteOffset + row.vector.byteLength)) : null;
  };
}

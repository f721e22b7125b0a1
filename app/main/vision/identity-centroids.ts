import type { ProjectDatabase } from '../project/project-database.ts';
import { vectorFromBlob } from './analysis-store.ts';
import { DEFAULT_EMBEDDING_MODEL } from './embedding-models.ts';
import { cosineSimilarity, l2Normalise } from './identity-embedder.ts';
import { flagOutliers } from './outlier-rule.ts';

interface PrimaryEmbedding {
  face_id: number;
  identity_id: number;
  model: string;
  vector: Buffer;
}

/**
 * Recomputes each identity's centroid per embedding model — the L2-normalised mean of its images'
 * primary-face embeddings — and, for the default model, every primary face's similarity to its
 * centroid and outlier flag. `identityIds` limits the work to those identities (after a primary face
 * changed); without it every identity is redone.
 */
export function recomputeCentroids(db: ProjectDatabase, identityIds?: readonly number[]): void {
  const ids = identityIds ?? (db.prepare('SELECT id FROM identities ORDER BY id').all() as { id: number }[]).map((r) => r.id);
  const embeddingsOf = db.prepare(
    `SELECT f.id AS face_id, i.identity_id, e.model, e.vector
     FROM faces f JOIN images i ON i.id = f.image_id JOIN embeddings e ON e.face_id = f.id
     WHERE f.is_primary = 1 AND i.identity_id = ? AND i.status = 'ok' ORDER BY f.id`,
  );
  const resetFaces = db.prepare(
    'UPDATE faces SET centroid_similarity = NULL, outlier = 0 WHERE image_id IN (SELECT id FROM images WHERE identity_id = ?)',
  );
  const setFace = db.prepare('UPDATE faces SET centroid_similarity = ?, outlier = ? WHERE id = ?');
  const dropCentroids = db.prepare('DELETE FROM identity_centroids WHERE identity_id = ?');
  const putCentroid = db.prepare(
    'INSERT INTO identity_centroids (identity_id, model, vector, face_count, updated_at) VALUES (?, ?, ?, ?, ?)',
  );
  const now = new Date().toISOString();
  db.transaction(() => {
    for (const identityId of ids) {
      resetFaces.run(identityId);
      dropCentroids.run(identityId);
      const byModel = new Map<string, { faceId: number; vector: Float32Array }[]>();
      for (const row of embeddingsOf.all(identityId) as PrimaryEmbedding[]) {
        const list = byModel.get(row.model) ?? [];
        list.push({ faceId: row.face_id, vector: vectorFromBlob(row.vector) });
        byModel.set(row.model, list);
      }
      for (const [model, faces] of byModel) {
        const centroid = meanDirection(faces.map((f) => f.vector));
        putCentroid.run(identityId, model, Buffer.from(centroid.buffer), faces.length, now);
        if (model !== DEFAULT_EMBEDDING_MODEL) continue;
        const similarities = faces.map((f) => cosineSimilarity(f.vector, centroid));
        const outliers = flagOutliers(similarities, DEFAULT_EMBEDDING_MODEL);
        faces.forEach((f, i) => setFace.run(similarities[i], outliers[i] ? 1 : 0, f.faceId));
      }
    }
  })();
}

function meanDirection(vectors: readonly Float32Array[]): Float32Array {
  const mean = new Float32Array(vectors[0].length);
  for (const v of vectors) for (let i = 0; i < v.length; i++) mean[i] += v[i];
  return l2Normalise(mean);
}

/** Identity centroids of one model, for nearest-identity lookups. */
export function loadCentroids(db: ProjectDatabase, model: string): { identityId: number; name: string; vector: Float32Array }[] {
  const rows = db
    .prepare(
      `SELECT c.identity_id, n.name, c.vector FROM identity_centroids c JOIN identities n ON n.id = c.identity_id
       WHERE c.model = ? ORDER BY c.identity_id`,
    )
    .all(model) as { identity_id: number; name: string; vector: Buffer }[];
  return rows.map((r) => ({ identityId: r.identity_id, name: r.name, vector: vectorFromBlob(r.vector) }));
}

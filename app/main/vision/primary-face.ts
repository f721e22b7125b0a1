import { ApiError } from '#api/errors.ts';
import type { ProjectDatabase } from '../project/project-database.ts';
import { vectorFromBlob } from './analysis-store.ts';
import type { FaceBox } from './face-box.ts';
import { recomputeCentroids } from './identity-centroids.ts';
import { faceMatchingIdentity, type PrimaryCandidate } from './primary-face-choice.ts';

/** Makes `faceId` the face that stands for its image, then refreshes that identity's centroid and flags. */
export function setPrimaryFace(db: ProjectDatabase, imageId: number, faceId: number): void {
  const face = db.prepare('SELECT image_id FROM faces WHERE id = ?').get(faceId) as { image_id: number } | undefined;
  if (!face || face.image_id !== imageId) throw new ApiError('NOT_FOUND', `image ${imageId} has no face ${faceId}`);
  const identity = db.prepare('SELECT identity_id FROM images WHERE id = ?').get(imageId) as { identity_id: number | null };
  db.transaction(() => {
    db.prepare('UPDATE faces SET is_primary = CASE WHEN id = ? THEN 1 ELSE 0 END WHERE image_id = ?').run(faceId, imageId);
    if (identity.identity_id !== null) recomputeCentroids(db, [identity.identity_id]);
  })();
}

/**
 * Multi-face photos just analysed: the face that matches the identity's single-face photos (their
 * centroid in `model`) stands for the image, when one clears `minSimilarity`; otherwise the
 * geometric choice the analysis made stays. Returns the images whose primary face changed.
 * Only for images the analyze job has just written, so a face chosen by hand is never overridden.
 */
export function preferIdentityFaces(db: ProjectDatabase, imageIds: readonly number[], model: string, minSimilarity: number): number[] {
  if (imageIds.length === 0) return [];
  const multiFace = db.prepare(
    `SELECT i.id, i.identity_id FROM images i JOIN analyses a ON a.image_id = i.id
     WHERE i.id = ? AND a.status = 'multiple_faces' AND i.identity_id IS NOT NULL`,
  );
  const references = db.prepare(
    `SELECT e.vector FROM images i JOIN analyses a ON a.image_id = i.id JOIN faces f ON f.image_id = i.id AND f.is_primary = 1
     JOIN embeddings e ON e.face_id = f.id AND e.model = ?
     WHERE i.identity_id = ? AND i.status = 'ok' AND a.status = 'ok'`,
  );
  const facesOf = db.prepare(
    `SELECT f.id, f.box, f.is_primary, e.vector FROM faces f LEFT JOIN embeddings e ON e.face_id = f.id AND e.model = ?
     WHERE f.image_id = ? ORDER BY f.face_index`,
  );
  const setPrimary = db.prepare('UPDATE faces SET is_primary = CASE WHEN id = ? THEN 1 ELSE 0 END WHERE image_id = ?');
  const byIdentity = new Map<number, Float32Array[]>();
  const changed: number[] = [];
  db.transaction(() => {
    for (const imageId of imageIds) {
      const image = multiFace.get(imageId) as { id: number; identity_id: number } | undefined;
      if (!image) continue;
      let refs = byIdentity.get(image.identity_id);
      if (!refs) {
        refs = (references.all(model, image.identity_id) as { vector: Buffer }[]).map((r) => vectorFromBlob(r.vector));
        byIdentity.set(image.identity_id, refs);
      }
      if (refs.length === 0) continue;
      const faces = facesOf.all(model, imageId) as { id: number; box: string; is_primary: number; vector: Buffer | null }[];
      const candidates: PrimaryCandidate[] = faces.map((f) => ({
        box: JSON.parse(f.box) as FaceBox,
        embedding: f.vector ? vectorFromBlob(f.vector) : undefined,
      }));
      const choice = faceMatchingIdentity(candidates, refs, minSimilarity);
      const current = faces.findIndex((f) => f.is_primary === 1);
      if (choice === null || choice === current) continue;
      setPrimary.run(faces[choice].id, imageId);
      changed.push(imageId);
    }
  })();
  return changed;
}

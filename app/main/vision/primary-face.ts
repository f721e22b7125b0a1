import { ApiError } from '../../api/errors.ts';
import type { ProjectDatabase } from '../project/project-database.ts';
import { recomputeCentroids } from './identity-centroids.ts';

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

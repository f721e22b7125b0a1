import { ApiError } from '#api/errors.ts';
import type { AnalysisStatus, FaceDetail, IdentityFaces, ImageBadge, ImageDetail, VisionSummary } from '#api/vision.ts';
import type { ProjectDatabase } from '../project/project-database.ts';
import type { MediaStore } from '../media/media-store.ts';
import { vectorFromBlob } from './analysis-store.ts';
import { DEFAULT_EMBEDDING_MODEL } from './embedding-models.ts';
import { qualityReport, storedSharpness } from './face-quality.ts';
import type { FivePoints } from './face-templates.ts';
import { loadCentroids } from './identity-centroids.ts';
import { cosineSimilarity } from './identity-embedder.ts';
import { decodeLandmarks } from '../project/landmark-codec.ts';
import { alignedCropKey, originalKey, personMaskKey } from '../media/media-keys.ts';

const NEAREST_IDENTITIES = 5;

interface FaceRow {
  id: number;
  face_index: number;
  box: string;
  score: number;
  quality: number | null;
  is_primary: number;
  landmarks: Buffer | null;
  five_points: string | null;
  centroid_similarity: number | null;
  outlier: number;
}

/** Everything the image detail view draws: geometry, crops, and which identities the face resembles. */
export function imageDetail(db: ProjectDatabase, media: MediaStore, imageId: number): ImageDetail {
  const image = db
    .prepare(
      `SELECT i.id, i.identity_id, n.name AS identity_name, i.rel_path, i.width, i.height
       FROM images i LEFT JOIN identities n ON n.id = i.identity_id WHERE i.id = ?`,
    )
    .get(imageId) as
    | {
        id: number;
        identity_id: number | null;
        identity_name: string | null;
        rel_path: string;
        width: number | null;
        height: number | null;
      }
    | undefined;
  if (!image) throw new ApiError('NOT_FOUND', `no image ${imageId}`);
  const analysis = db.prepare('SELECT status, face_count, error, models, analyzed_at FROM analyses WHERE image_id = ?').get(imageId) as
    { status: AnalysisStatus; face_count: number; error: string | null; models: string; analyzed_at: string } | undefined;
  const rows = db
    .prepare(
      `SELECT id, face_index, box, score, quality, is_primary, landmarks, five_points, centroid_similarity, outlier
       FROM faces WHERE image_id = ? ORDER BY face_index`,
    )
    .all(imageId) as FaceRow[];
  const faces = rows.map((row) => faceDetail(media, imageId, row));
  return {
    imageId,
    identityId: image.identity_id,
    identityName: image.identity_name,
    path: image.rel_path,
    width: image.width,
    height: image.height,
    originalKey: originalKey(imageId),
    analysis: analysis
      ? {
          status: analysis.status,
          faceCount: analysis.face_count,
          error: analysis.error,
          models: JSON.parse(analysis.models) as string[],
          analyzedAt: analysis.analyzed_at,
        }
      : null,
    faces,
    nearestIdentities: nearestIdentities(db, rows.find((r) => r.is_primary === 1)?.id ?? null),
    model: DEFAULT_EMBEDDING_MODEL,
  };
}

function faceDetail(media: MediaStore, imageId: number, row: FaceRow): FaceDetail {
  const landmarks: [number, number][] = [];
  if (row.landmarks) {
    const values = decodeLandmarks(row.landmarks);
    for (let i = 0; i + 2 < values.length; i += 3) landmarks.push([values[i], values[i + 1]]);
  }
  const aligned = alignedCropKey(imageId, row.face_index);
  const mask = personMaskKey(imageId, row.face_index);
  const fivePoints = row.five_points ? (JSON.parse(row.five_points) as FivePoints) : null;
  const report =
    row.landmarks && fivePoints && row.quality !== null
      ? qualityReport(decodeLandmarks(row.landmarks), fivePoints, {
          detector: row.score,
          // Where the stored product hides sharpness, another factor is 0 and flags the face already.
          sharpness: storedSharpness(row.quality, row.score, fivePoints) ?? 1,
        })
      : null;
  return {
    id: row.id,
    faceIndex: row.face_index,
    box: JSON.parse(row.box) as FaceDetail['box'],
    score: row.score,
    quality: row.quality,
    isPrimary: row.is_primary === 1,
    landmarks,
    fivePoints: fivePoints ? fivePoints.map(([x, y]) => [x, y] as [number, number]) : [],
    alignedKey: media.has(aligned) || media.canProduce(aligned) ? aligned : null,
    maskKey: media.has(mask) ? mask : null,
    centroidSimilarity: row.centroid_similarity,
    outlier: row.outlier === 1,
    pose: report ? { yaw: report.yaw, pitch: report.pitch } : null,
    qualityFlags: report ? [...report.flags] : [],
  };
}

function nearestIdentities(db: ProjectDatabase, faceId: number | null): ImageDetail['nearestIdentities'] {
  if (faceId === null) return [];
  const row = db.prepare('SELECT vector FROM embeddings WHERE face_id = ? AND model = ?').get(faceId, DEFAULT_EMBEDDING_MODEL) as
    { vector: Buffer } | undefined;
  if (!row) return [];
  const embedding = vectorFromBlob(row.vector);
  return loadCentroids(db, DEFAULT_EMBEDDING_MODEL)
    .map((c) => ({ identityId: c.identityId, name: c.name, similarity: cosineSimilarity(embedding, c.vector) }))
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, NEAREST_IDENTITIES);
}

/** An identity's primary faces by distance to its centroid, farthest (likeliest mislabelled) first by default. */
export function identityFaces(db: ProjectDatabase, media: MediaStore, identityId: number, order: 'farthest' | 'nearest'): IdentityFaces {
  const identity = db.prepare('SELECT id, name FROM identities WHERE id = ?').get(identityId) as { id: number; name: string } | undefined;
  if (!identity) throw new ApiError('NOT_FOUND', `no identity ${identityId}`);
  const centroid = db
    .prepare('SELECT face_count FROM identity_centroids WHERE identity_id = ? AND model = ?')
    .get(identityId, DEFAULT_EMBEDDING_MODEL) as { face_count: number } | undefined;
  const rows = db
    .prepare(
      `SELECT f.id AS face_id, f.image_id, f.face_index, f.quality, f.centroid_similarity, f.outlier, i.rel_path, i.thumb_key
       FROM faces f JOIN images i ON i.id = f.image_id
       WHERE i.identity_id = ? AND f.is_primary = 1 AND f.centroid_similarity IS NOT NULL`,
    )
    .all(identityId) as {
    face_id: number;
    image_id: number;
    face_index: number;
    quality: number | null;
    centroid_similarity: number;
    outlier: number;
    rel_path: string;
    thumb_key: string | null;
  }[];
  const faces = rows
    .map((r) => {
      const aligned = alignedCropKey(r.image_id, r.face_index);
      return {
        faceId: r.face_id,
        imageId: r.image_id,
        path: r.rel_path,
        alignedKey: media.has(aligned) ? aligned : null,
        thumbKey: r.thumb_key,
        quality: r.quality,
        similarity: r.centroid_similarity,
        distance: 1 - r.centroid_similarity,
        outlier: r.outlier === 1,
      };
    })
    .sort((a, b) => (order === 'farthest' ? b.distance - a.distance : a.distance - b.distance) || a.imageId - b.imageId);
  return {
    identityId,
    name: identity.name,
    model: DEFAULT_EMBEDDING_MODEL,
    centroidFaces: centroid?.face_count ?? 0,
    outliers: faces.filter((f) => f.outlier).length,
    faces,
  };
}

/** The badges' one statement; exported so the query plan the spec checks is this one, not a copy. */
export const IMAGE_BADGES_SQL = `SELECT j.value AS image_id, a.status, a.face_count, f.quality, f.outlier
  FROM json_each(?) j
  LEFT JOIN analyses a ON a.image_id = j.value
  LEFT JOIN faces f ON f.image_id = a.image_id AND f.is_primary = 1`;

/** An image's analysis and primary face as a badge row reads them; absent when it was never analysed. */
export interface BadgeRow {
  readonly status: AnalysisStatus | null;
  readonly face_count: number | null;
  readonly quality: number | null;
  readonly outlier: number | null;
}

export function badgeOf(imageId: number, row: BadgeRow | undefined): ImageBadge {
  return {
    imageId,
    status: row?.status ?? null,
    faceCount: row?.face_count ?? 0,
    quality: row?.quality ?? null,
    outlier: row?.outlier === 1,
  };
}

/**
 * Tile badges for the dataset grid: one row per requested image, in the order asked, unanalysed
 * images with status null. One statement for the page, read from the analyses table and the
 * primary-face index alone (migration 22), so a page costs the same in any project size.
 */
export function imageBadges(db: ProjectDatabase, imageIds: readonly number[]): ImageBadge[] {
  if (imageIds.length === 0) return [];
  const rows = db.prepare(IMAGE_BADGES_SQL).all(JSON.stringify(imageIds)) as (BadgeRow & { image_id: number })[];
  const byImage = new Map(rows.map((row) => [row.image_id, row]));
  return imageIds.map((imageId) => badgeOf(imageId, byImage.get(imageId)));
}

export function visionSummary(db: ProjectDatabase): VisionSummary {
  // One walk of the usable images with their analyses (no GROUP BY sort): every count the summary shows.
  const { images, analyzed, ...byStatus } = db
    .prepare(
      `SELECT count(*) AS images, count(a.image_id) AS analyzed, coalesce(sum(a.status = 'ok'), 0) AS ok,
         coalesce(sum(a.status = 'no_face'), 0) AS no_face, coalesce(sum(a.status = 'multiple_faces'), 0) AS multiple_faces,
         coalesce(sum(a.status = 'error'), 0) AS error
       FROM images i LEFT JOIN analyses a ON a.image_id = i.id WHERE i.status = 'ok'`,
    )
    .get() as { images: number; analyzed: number } & Record<AnalysisStatus, number>;
  const outliers = (db.prepare('SELECT count(*) AS n FROM faces WHERE outlier = 1').get() as { n: number }).n;
  return { images, analyzed, pending: images - analyzed, byStatus, outliers, model: DEFAULT_EMBEDDING_MODEL };
}

import type { ProjectDatabase } from '../project/project-database.ts';
import { affineToRows } from './affine.ts';
import { encodeLandmarks } from '../project/landmark-codec.ts';
import type { ImageAnalysis } from './face-analysis.ts';

/**
 * Images the analyze job still has to do: imported fine (not duplicates or errors) and without a
 * result; among `only` where a sharded run gives its slice.
 */
export function pendingImageIds(db: ProjectDatabase, limit: number, only?: readonly number[]): number[] {
  const rows = db
    .prepare(
      `SELECT i.id FROM images i LEFT JOIN analyses a ON a.image_id = i.id
       WHERE i.status = 'ok' AND a.image_id IS NULL AND (@only IS NULL OR i.id IN (SELECT value FROM json_each(@only)))
       ORDER BY i.id LIMIT @limit`,
    )
    .all({ only: only ? JSON.stringify(only) : null, limit }) as { id: number }[];
  return rows.map((r) => r.id);
}

/** Over the whole project, or over `only` (a sharded run's slice). */
export function analysisCounts(db: ProjectDatabase, only?: readonly number[]): { images: number; analyzed: number; pending: number } {
  // Two statements, not one with "@only IS NULL OR …": that OR kept the whole-project count off the plain index walk (6× slower at 100k).
  const counts = `SELECT count(*) AS images, count(a.image_id) AS analyzed, count(*) - count(a.image_id) AS pending
    FROM images i LEFT JOIN analyses a ON a.image_id = i.id WHERE i.status = 'ok'`;
  return (
    only ? db.prepare(`${counts} AND i.id IN (SELECT value FROM json_each(?))`).get(JSON.stringify(only)) : db.prepare(counts).get()
  ) as { images: number; analyzed: number; pending: number };
}

/** Forgets results so the next analyze job redoes these images (faces and embeddings cascade). */
export function clearAnalyses(db: ProjectDatabase, imageIds: readonly number[]): void {
  const faces = db.prepare('DELETE FROM faces WHERE image_id = ?');
  const analyses = db.prepare('DELETE FROM analyses WHERE image_id = ?');
  db.transaction(() => {
    for (const id of imageIds) {
      faces.run(id);
      analyses.run(id);
    }
  })();
}

/** Box and points to a thousandth of a pixel: float64's other 13 digits only cost bytes in every face row. */
function thousandths(_key: string, value: unknown): unknown {
  return typeof value === 'number' ? Math.round(value * 1000) / 1000 : value;
}

function blob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

export function vectorFromBlob(value: Buffer): Float32Array {
  // Copy: SQLite's buffer need not be 4-byte aligned.
  const copy = new Uint8Array(value.byteLength);
  copy.set(value);
  return new Float32Array(copy.buffer);
}

/**
 * Records one image's result, replacing any earlier one. Call inside a transaction with the rest of
 * its batch: the analyses row is what marks the image done, so it commits with its faces or not at all.
 */
export function saveAnalysis(db: ProjectDatabase, imageId: number, analysis: ImageAnalysis, models: readonly string[]): void {
  db.prepare('DELETE FROM faces WHERE image_id = ?').run(imageId);
  const insertFace = db.prepare(
    `INSERT INTO faces (image_id, face_index, box, score, landmarks, five_points, arcface_transform, generator_transform, quality, is_primary)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertEmbedding = db.prepare('INSERT INTO embeddings (face_id, model, vector) VALUES (?, ?, ?)');
  analysis.faces.forEach((face, index) => {
    const info = insertFace.run(
      imageId,
      index,
      JSON.stringify(face.box, thousandths),
      face.detectorScore,
      encodeLandmarks(face.landmarks),
      JSON.stringify(face.fivePoints, thousandths),
      JSON.stringify(affineToRows(face.arcfaceTransform)),
      JSON.stringify(affineToRows(face.generatorTransform)),
      face.quality,
      index === analysis.primary ? 1 : 0,
    );
    for (const [model, vector] of Object.entries(face.embeddings)) {
      if (vector) insertEmbedding.run(Number(info.lastInsertRowid), model, blob(vector));
    }
  });
  writeAnalysisRow(db, imageId, analysis.status, analysis.faces.length, null, models);
}

/** An image that could not be analysed (unreadable file, model failure) is recorded, never skipped silently. */
export function saveAnalysisError(db: ProjectDatabase, imageId: number, error: string, models: readonly string[]): void {
  db.prepare('DELETE FROM faces WHERE image_id = ?').run(imageId);
  writeAnalysisRow(db, imageId, 'error', 0, error, models);
}

function writeAnalysisRow(
  db: ProjectDatabase,
  imageId: number,
  status: string,
  faceCount: number,
  error: string | null,
  models: readonly string[],
): void {
  db.prepare(
    `INSERT INTO analyses (image_id, status, face_count, error, models, analyzed_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (image_id) DO UPDATE SET status = excluded.status, face_count = excluded.face_count,
       error = excluded.error, models = excluded.models, analyzed_at = excluded.analyzed_at`,
  ).run(imageId, status, faceCount, error, JSON.stringify(models), new Date().toISOString());
}

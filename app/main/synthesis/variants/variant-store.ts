import type { ProjectDatabase } from '../../project/project-database.ts';
import type { GeneratorPack } from '../packs/generator-pack.ts';

export interface VariantRow {
  readonly jobId: number;
  readonly sourceImageId: number;
  readonly sourceFaceId: number;
  readonly identityId: number | null;
  /** Null for variants made without a generator (relighting). */
  readonly packId: number | null;
  readonly ordinal: number;
  readonly editKind: string;
  readonly strength: number;
  readonly seed: number;
  readonly recipe: string;
  readonly fileKey: string;
  readonly width: number;
  readonly height: number;
  readonly latentDeltaNorm: number | null;
  readonly idToSource: number | null;
  readonly idToCentroid: number | null;
  readonly nearestOtherIdentityId: number | null;
  readonly idToNearestOther: number | null;
  readonly diversity: number;
  /** The re-projected mesh of an edit that moves the face (see `RenderedVariant.landmarks`). */
  readonly landmarks?: Float32Array | null;
}

/** A planned variant that was not produced, and why (see `SkipReason`). */
export interface SkipRow {
  readonly jobId: number;
  readonly sourceImageId: number;
  readonly ordinal: number;
  readonly editKind: string;
  readonly reason: string;
  readonly detail: string | null;
}

/** Registers a pack by content hash (idempotent) and returns its id. */
export function registerPack(db: ProjectDatabase, pack: GeneratorPack): number {
  db.prepare('INSERT OR IGNORE INTO packs (name, version, hash, path, manifest, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    pack.manifest.name,
    pack.manifest.version,
    pack.hash,
    pack.dir,
    JSON.stringify(pack.manifest),
    new Date().toISOString(),
  );
  // A pack registered before from another folder (copied, moved) is found again at the new path.
  db.prepare('UPDATE packs SET path = ? WHERE hash = ?').run(pack.dir, pack.hash);
  return (db.prepare('SELECT id FROM packs WHERE hash = ?').get(pack.hash) as { id: number }).id;
}

/** Ordinals of each source image a job has already committed, made or skipped: what a resumed job passes over. */
export function committedOrdinals(db: ProjectDatabase, jobId: number): Map<number, Set<number>> {
  const rows = db
    .prepare(
      `SELECT source_image_id AS imageId, ordinal FROM variants WHERE job_id = ?
       UNION SELECT source_image_id AS imageId, ordinal FROM variant_skips WHERE job_id = ?`,
    )
    .all(jobId, jobId) as { imageId: number; ordinal: number }[];
  const byImage = new Map<number, Set<number>>();
  for (const { imageId, ordinal } of rows) {
    const set = byImage.get(imageId) ?? new Set<number>();
    set.add(ordinal);
    byImage.set(imageId, set);
  }
  return byImage;
}

/** The pack a job already produced variants with: a resumed job keeps using it. */
export function packOfJob(db: ProjectDatabase, jobId: number): { id: number; path: string } | null {
  return (
    (db.prepare('SELECT p.id, p.path FROM variants v JOIN packs p ON p.id = v.pack_id WHERE v.job_id = ? LIMIT 1').get(jobId) as
      { id: number; path: string } | undefined) ?? null
  );
}

/** One batch's variants and skips, in one transaction. */
export function insertVariants(db: ProjectDatabase, rows: readonly VariantRow[], skips: readonly SkipRow[] = []): void {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO variants (job_id, source_image_id, source_face_id, identity_id, pack_id, ordinal, edit_kind, strength, seed,
       recipe, file_key, width, height, latent_delta_norm, id_to_source, id_to_centroid, nearest_other_identity_id, id_to_nearest_other,
       diversity, created_at)
     VALUES (@jobId, @sourceImageId, @sourceFaceId, @identityId, @packId, @ordinal, @editKind, @strength, @seed,
       @recipe, @fileKey, @width, @height, @latentDeltaNorm, @idToSource, @idToCentroid, @nearestOtherIdentityId, @idToNearestOther,
       @diversity, @createdAt)`,
  );
  const skip = db.prepare(
    `INSERT OR IGNORE INTO variant_skips (job_id, source_image_id, ordinal, edit_kind, reason, detail)
     VALUES (@jobId, @sourceImageId, @ordinal, @editKind, @reason, @detail)`,
  );
  const landmarks = db.prepare(
    `INSERT OR IGNORE INTO variant_landmarks (variant_id, points)
     SELECT id, ? FROM variants WHERE job_id = ? AND source_image_id = ? AND ordinal = ?`,
  );
  const createdAt = new Date().toISOString();
  db.transaction(() => {
    for (const { landmarks: points, ...row } of rows) {
      insert.run({ ...row, createdAt });
      if (points)
        landmarks.run(Buffer.from(points.buffer, points.byteOffset, points.byteLength), row.jobId, row.sourceImageId, row.ordinal);
    }
    for (const row of skips) skip.run(row);
  })();
}

/** A variant's stored landmarks, 468 × (x, y, z, valid), or null for an edit that moves no point. */
export function variantLandmarks(db: ProjectDatabase, variantId: number): Float32Array | null {
  const row = db.prepare('SELECT points FROM variant_landmarks WHERE variant_id = ?').get(variantId) as { points: Buffer } | undefined;
  if (!row) return null;
  return new Float32Array(row.points.buffer.slice(row.points.byteOffset, row.points.byteOffset + row.points.byteLength));
}

/** How many planned variants a job skipped, by reason (most frequent first), with the edit kinds each befell. */
export function skipCounts(db: ProjectDatabase, jobId: number): { reason: string; count: number; editKinds: string[] }[] {
  const rows = db
    .prepare(
      `SELECT reason, count(*) AS count, group_concat(DISTINCT edit_kind) AS kinds FROM variant_skips WHERE job_id = ?
       GROUP BY reason ORDER BY count DESC, reason`,
    )
    .all(jobId) as { reason: string; count: number; kinds: string }[];
  return rows.map(({ reason, count, kinds }) => ({ reason, count, editKinds: kinds.split(',').sort() }));
}

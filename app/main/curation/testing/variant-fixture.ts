/**
 * TEST FIXTURE — never shipped. Seeds a project the way import and synthesis would, but without
 * them: dataset rows pointing at real photos in ../shared/faces (read in place, never copied), and
 * variant rows whose images are those photos with their brightness changed by sharp.
 */
import { createHash } from 'node:crypto';
import { naturalKey } from '../../project/natural-order.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { sharedFacesDir } from '../../../../test/fixtures/shared-faces.ts';
import type { MediaStore } from '../../media/media-store.ts';
import type { ProjectDatabase } from '../../project/project-database.ts';

export interface FixtureImage {
  readonly id: number;
  readonly identityId: number;
  readonly identity: string;
  readonly relPath: string;
}

export interface FixtureVariant {
  readonly id: number;
  readonly sourceImageId: number;
  readonly identityId: number;
  readonly ordinal: number;
  readonly editKind: string;
  readonly idToSource: number;
  readonly idToCentroid: number;
  readonly diversity: number;
}

export const FIXTURE_EDITS = ['relight', 'expression', 'age'] as const;

/** Imports `imagesPerIdentity` ORL photos of each of the first `identities` subjects (s11, s12, …). */
export function importSharedFaces(db: ProjectDatabase, identities: number, imagesPerIdentity: number): FixtureImage[] {
  const root = join(sharedFacesDir, 'orl');
  const now = new Date().toISOString();
  const datasetId = Number(
    db.prepare("INSERT INTO datasets (root, layout, created_at) VALUES (?, 'imagefolder', ?)").run(root, now).lastInsertRowid,
  );
  const images: FixtureImage[] = [];
  for (let s = 0; s < identities; s += 1) {
    const identity = `s${11 + s}`;
    const identityId = Number(
      db.prepare('INSERT INTO identities (name, name_key, created_at) VALUES (?, ?, ?)').run(identity, naturalKey(identity), now)
        .lastInsertRowid,
    );
    for (let n = 1; n <= imagesPerIdentity; n += 1) {
      const relPath = `${identity}/${n}.png`;
      const bytes = readFileSync(join(root, relPath));
      const id = Number(
        db
          .prepare(
            `INSERT INTO images (dataset_id, identity_id, rel_path, path_key, status, content_hash, bytes, format, width, height,
               channels, orientation, imported_at)
             VALUES (?, ?, ?, ?, 'ok', ?, ?, 'png', 92, 112, 1, 1, ?)`,
          )
          .run(datasetId, identityId, relPath, naturalKey(relPath), createHash('sha256').update(bytes).digest('hex'), bytes.length, now)
          .lastInsertRowid,
      );
      images.push({ id, identityId, identity, relPath });
    }
  }
  return images;
}

/** The one fixture pack of a project, inserted on first use. */
export function insertFixturePack(db: ProjectDatabase): number {
  const existing = db.prepare("SELECT id FROM packs WHERE hash = 'sha256:fixture'").pluck().get() as number | undefined;
  if (existing !== undefined) return existing;
  return Number(
    db
      .prepare(
        `INSERT INTO packs (name, version, hash, path, manifest, created_at)
         VALUES ('fixture-brightness', '1.0.0', 'sha256:fixture', '/nonexistent/fixture.pack', '{}', ?)`,
      )
      .run(new Date().toISOString()).lastInsertRowid,
  );
}

/**
 * `perImage` variants of each image, each a real PNG (the photo at another brightness) in the
 * media store. Scores are spread evenly so thresholds have something to cut: ordinal k of n gets
 * id_to_source = 0.1 + 0.8·k/(n−1).
 */
export async function writeFixtureVariants(
  db: ProjectDatabase,
  media: MediaStore,
  images: readonly FixtureImage[],
  perImage: number,
): Promise<FixtureVariant[]> {
  const packId = insertFixturePack(db);
  const insert = db.prepare(
    `INSERT INTO variants (source_image_id, identity_id, pack_id, ordinal, edit_kind, strength, seed, recipe, file_key,
       width, height, id_to_source, id_to_centroid, diversity, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 92, 112, ?, ?, ?, ?)`,
  );
  const variants: FixtureVariant[] = [];
  for (const image of images) {
    for (let k = 0; k < perImage; k += 1) {
      const brightness = 0.5 + k / Math.max(1, perImage - 1);
      const key = `variants/fixture-${image.id}-${k}.png`;
      const png = await sharp(join(sharedFacesDir, 'orl', image.relPath))
        .modulate({ brightness })
        .png()
        .toBuffer();
      await media.write(key, png);
      const editKind = FIXTURE_EDITS[k % FIXTURE_EDITS.length];
      const idToSource = round(0.1 + (0.8 * k) / Math.max(1, perImage - 1));
      const idToCentroid = round(idToSource - 0.05);
      const diversity = round(0.01 + 0.03 * k);
      const seed = image.id * 1000 + k;
      const recipe = JSON.stringify({ edit: editKind, brightness, seed });
      const id = Number(
        insert.run(
          image.id,
          image.identityId,
          packId,
          k,
          editKind,
          brightness,
          seed,
          recipe,
          key,
          idToSource,
          idToCentroid,
          diversity,
          new Date().toISOString(),
        ).lastInsertRowid,
      );
      variants.push({
        id,
        sourceImageId: image.id,
        identityId: image.identityId,
        ordinal: k,
        editKind,
        idToSource,
        idToCentroid,
        diversity,
      });
    }
  }
  return variants;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

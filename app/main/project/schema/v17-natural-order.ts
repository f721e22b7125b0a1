import type Database from 'better-sqlite3';
import { naturalKey } from '../natural-order.ts';
import type { Migration } from './migration.ts';

/**
 * Every list a person reads (identities, images, sources, progress) sorts naturally, s3 before s10,
 * the same in every view. The keys are stored and indexed so paging still walks an index.
 */
export const naturalOrderSchema: Migration = {
  version: 17,
  name: 'dataset: natural sort keys for identity names and image paths',
  up: (db: Database.Database) => {
    db.exec(`
      ALTER TABLE identities ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
      ALTER TABLE images ADD COLUMN path_key TEXT NOT NULL DEFAULT '';
    `);
    const identities = db.prepare('UPDATE identities SET name_key = ? WHERE id = ?');
    for (const row of db.prepare('SELECT id, name FROM identities').all() as { id: number; name: string }[])
      identities.run(naturalKey(row.name), row.id);
    const images = db.prepare('UPDATE images SET path_key = ? WHERE id = ?');
    for (const row of db.prepare('SELECT id, rel_path FROM images').all() as { id: number; rel_path: string }[])
      images.run(naturalKey(row.rel_path), row.id);
    db.exec(`
      CREATE INDEX identities_by_name_key ON identities (name_key);
      CREATE INDEX images_by_identity_natural ON images (identity_id, dataset_id, path_key, status);
    `);
  },
};

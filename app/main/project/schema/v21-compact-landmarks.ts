import type Database from 'better-sqlite3';
import { encodeLandmarks, decodeLandmarks, isCompactLandmarks } from '../landmark-codec.ts';
import type { Migration } from './migration.ts';

const BATCH = 500;

/**
 * Face meshes stored by earlier releases (12-bit packed, or bare float32 before that) re-coded as
 * offsets from the canonical mesh (landmark codec v2): on LFW the mesh drops from 2.1 kB to 0.8 kB
 * a face, which is what brings the database under half the photos' size. Read in batches by id:
 * better-sqlite3 allows no write while a read is still stepping.
 */
export const compactLandmarksSchema: Migration = {
  version: 21,
  name: 'vision: face meshes coded against the canonical mesh',
  up: (db: Database.Database) => {
    const read = db.prepare('SELECT id, landmarks FROM faces WHERE id > ? AND landmarks IS NOT NULL ORDER BY id LIMIT ?');
    const write = db.prepare('UPDATE faces SET landmarks = ? WHERE id = ?');
    for (let after = 0; ;) {
      const rows = read.all(after, BATCH) as { id: number; landmarks: Buffer }[];
      if (rows.length === 0) break;
      for (const row of rows) if (!isCompactLandmarks(row.landmarks)) write.run(encodeLandmarks(decodeLandmarks(row.landmarks)), row.id);
      after = rows.at(-1)!.id;
    }
  },
};

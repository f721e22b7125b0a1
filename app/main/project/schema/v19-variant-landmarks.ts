import type { Migration } from './migration.ts';

/**
 * Edits that move the face (a head turn) know where every landmark went: the re-projected mesh is
 * kept with the variant, 468 × (x, y, z, valid) little-endian float32 in variant pixels, so a
 * dataset exported for landmark training need not run FaceMesh again on a synthetic face.
 */
export const variantLandmarksSchema: Migration = {
  version: 19,
  name: 'synthesis: re-projected landmarks of variants that move the face',
  up: `
    CREATE TABLE variant_landmarks (
      variant_id INTEGER PRIMARY KEY REFERENCES variants(id) ON DELETE CASCADE,
      points     BLOB NOT NULL
    ) STRICT;
  `,
};

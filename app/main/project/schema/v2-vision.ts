import type { Migration } from './migration.ts';

export const visionSchema: Migration = {
  version: 2,
  name: 'vision: analyses, faces, embeddings, identity centroids',
  up: `
    CREATE TABLE analyses (
      image_id    INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
      status      TEXT NOT NULL CHECK (status IN ('ok', 'no_face', 'multiple_faces', 'error')),
      face_count  INTEGER NOT NULL,
      error       TEXT,
      models      TEXT NOT NULL,
      analyzed_at TEXT NOT NULL
    ) STRICT;

    -- Geometry is stored in source-image pixels (after EXIF orientation).
    -- landmarks: Float32 [468 x 3]; five_points: JSON [[x,y] x 5]; transforms: JSON 2x3 affine matrices.
    CREATE TABLE faces (
      id               INTEGER PRIMARY KEY,
      image_id         INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
      face_index       INTEGER NOT NULL,
      box              TEXT NOT NULL,
      score            REAL NOT NULL,
      landmarks        BLOB,
      five_points      TEXT,
      arcface_transform TEXT,
      generator_transform TEXT,
      quality          REAL,
      is_primary       INTEGER NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1)),
      UNIQUE (image_id, face_index)
    ) STRICT;
    CREATE INDEX faces_primary ON faces (image_id) WHERE is_primary = 1;

    CREATE TABLE embeddings (
      face_id INTEGER NOT NULL REFERENCES faces(id) ON DELETE CASCADE,
      model   TEXT NOT NULL,
      vector  BLOB NOT NULL,
      PRIMARY KEY (face_id, model)
    ) STRICT;

    CREATE TABLE identity_centroids (
      identity_id INTEGER NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
      model       TEXT NOT NULL,
      vector      BLOB NOT NULL,
      face_count  INTEGER NOT NULL,
      updated_at  TEXT NOT NULL,
      PRIMARY KEY (identity_id, model)
    ) STRICT;
  `,
};

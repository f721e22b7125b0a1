import type { Migration } from './migration.ts';

export const synthesisSchema: Migration = {
  version: 3,
  name: 'synthesis: generator packs and variants',
  up: `
    CREATE TABLE packs (
      id         INTEGER PRIMARY KEY,
      name       TEXT NOT NULL,
      version    TEXT NOT NULL,
      hash       TEXT NOT NULL UNIQUE,
      path       TEXT NOT NULL,
      manifest   TEXT NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT;

    -- file_key names the variant image in the project's media store; recipe is the JSON edit recipe
    -- (with seed) that reproduces the image byte for byte.
    CREATE TABLE variants (
      id                INTEGER PRIMARY KEY,
      job_id            INTEGER REFERENCES jobs(id),
      source_image_id   INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
      source_face_id    INTEGER REFERENCES faces(id) ON DELETE SET NULL,
      identity_id       INTEGER REFERENCES identities(id),
      pack_id           INTEGER NOT NULL REFERENCES packs(id),
      ordinal           INTEGER NOT NULL,
      edit_kind         TEXT NOT NULL,
      strength          REAL NOT NULL,
      seed              INTEGER NOT NULL,
      recipe            TEXT NOT NULL,
      file_key          TEXT NOT NULL UNIQUE,
      width             INTEGER NOT NULL,
      height            INTEGER NOT NULL,
      latent_delta_norm REAL,
      id_to_source      REAL,
      id_to_centroid    REAL,
      diversity         REAL,
      created_at        TEXT NOT NULL,
      UNIQUE (job_id, source_image_id, ordinal)
    ) STRICT;
    CREATE INDEX variants_by_source ON variants (source_image_id, ordinal);
    CREATE INDEX variants_by_identity ON variants (identity_id, id);
  `,
};

import type { Migration } from './migration.ts';

export const coreSchema: Migration = {
  version: 1,
  name: 'core: project meta, datasets, identities, images, jobs',
  up: `
    CREATE TABLE project_meta (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;

    CREATE TABLE datasets (
      id          INTEGER PRIMARY KEY,
      root        TEXT NOT NULL,
      layout      TEXT NOT NULL CHECK (layout IN ('imagefolder', 'csv')),
      mapping_csv TEXT,
      created_at  TEXT NOT NULL,
      UNIQUE (root, layout, mapping_csv)
    ) STRICT;

    CREATE TABLE identities (
      id         INTEGER PRIMARY KEY,
      name       TEXT NOT NULL UNIQUE,
      created_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE images (
      id            INTEGER PRIMARY KEY,
      dataset_id    INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
      identity_id   INTEGER REFERENCES identities(id),
      rel_path      TEXT NOT NULL,
      status        TEXT NOT NULL CHECK (status IN ('ok', 'duplicate', 'error')),
      error_code    TEXT,
      error_message TEXT,
      content_hash  TEXT,
      bytes         INTEGER,
      format        TEXT,
      width         INTEGER,
      height        INTEGER,
      channels      INTEGER,
      orientation   INTEGER,
      duplicate_of  INTEGER REFERENCES images(id),
      thumb_key     TEXT,
      imported_at   TEXT NOT NULL,
      UNIQUE (dataset_id, rel_path)
    ) STRICT;
    CREATE INDEX images_by_identity ON images (identity_id, id);
    CREATE INDEX images_by_hash ON images (content_hash);
    CREATE INDEX images_by_status ON images (status, id);

    CREATE TABLE jobs (
      id          INTEGER PRIMARY KEY,
      kind        TEXT NOT NULL,
      params      TEXT NOT NULL,
      state       TEXT NOT NULL CHECK (state IN ('queued', 'running', 'cancelled', 'done', 'failed')),
      done        INTEGER NOT NULL DEFAULT 0,
      total       INTEGER NOT NULL DEFAULT 0,
      message     TEXT,
      error       TEXT,
      created_at  TEXT NOT NULL,
      started_at  TEXT,
      finished_at TEXT
    ) STRICT;
    CREATE INDEX jobs_by_state ON jobs (state, id);
  `,
};

import type { Migration } from './migration.ts';

export const curationSchema: Migration = {
  version: 4,
  name: 'curation and export: decisions with an undo log, exports',
  up: `
    CREATE TABLE decisions (
      variant_id INTEGER PRIMARY KEY REFERENCES variants(id) ON DELETE CASCADE,
      status     TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')),
      decided_by TEXT NOT NULL,
      decided_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX decisions_by_status ON decisions (status);

    -- One row per user action (a key press or an applied rule); its changes list every variant's before/after.
    -- undone = 1 marks actions that undo walked back; a new action deletes undone rows (the redo branch).
    CREATE TABLE decision_actions (
      id         INTEGER PRIMARY KEY,
      label      TEXT NOT NULL,
      actor      TEXT NOT NULL,
      at         TEXT NOT NULL,
      undone     INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1))
    ) STRICT;

    CREATE TABLE decision_changes (
      action_id  INTEGER NOT NULL REFERENCES decision_actions(id) ON DELETE CASCADE,
      variant_id INTEGER NOT NULL REFERENCES variants(id) ON DELETE CASCADE,
      before     TEXT CHECK (before IN ('accepted', 'rejected')),
      after      TEXT CHECK (after IN ('accepted', 'rejected')),
      PRIMARY KEY (action_id, variant_id)
    ) STRICT;

    CREATE TABLE exports (
      id          INTEGER PRIMARY KEY,
      job_id      INTEGER REFERENCES jobs(id),
      destination TEXT NOT NULL,
      settings    TEXT NOT NULL,
      state       TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed', 'cancelled')),
      report      TEXT,
      created_at  TEXT NOT NULL,
      finished_at TEXT
    ) STRICT;
  `,
};

import type { Migration } from './migration.ts';

export const variantScaleSchema: Migration = {
  version: 16,
  name: 'synthesis: closest other identity of each variant, variants skipped with their reason',
  up: `
    -- The identity (not the variant's own) whose centroid the variant is closest to, and that cosine:
    -- a variant scoring higher here than against its own centroid now looks like someone else.
    ALTER TABLE variants ADD COLUMN nearest_other_identity_id INTEGER REFERENCES identities(id) ON DELETE SET NULL;
    ALTER TABLE variants ADD COLUMN id_to_nearest_other REAL;
    CREATE INDEX variants_by_nearest_other ON variants (id_to_nearest_other);

    -- A planned variant that was not produced (its source is mostly padding, an edit lacks a matte,
    -- the result failed the realism check) is recorded, never dropped silently; a resumed job
    -- counts it as done.
    CREATE TABLE variant_skips (
      job_id          INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
      source_image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
      ordinal         INTEGER NOT NULL,
      edit_kind       TEXT NOT NULL,
      reason          TEXT NOT NULL,
      detail          TEXT,
      PRIMARY KEY (job_id, source_image_id, ordinal)
    ) STRICT;
  `,
};

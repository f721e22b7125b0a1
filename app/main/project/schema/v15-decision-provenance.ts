import type { Migration } from './migration.ts';

export const decisionProvenanceSchema: Migration = {
  version: 15,
  name: 'curation: who/when before each change (so undo restores provenance), curation indexes',
  up: `
    -- Undo puts a variant back to its earlier decision; without these it could restore the status
    -- but not who made that decision or when, which the export's provenance reports.
    ALTER TABLE decision_changes ADD COLUMN before_by TEXT;
    ALTER TABLE decision_changes ADD COLUMN before_at TEXT;

    CREATE INDEX decision_actions_by_undone ON decision_actions (undone, id);
    -- Deleting a variant cascades into its changes: without this each delete scans the whole log.
    CREATE INDEX decision_changes_by_variant ON decision_changes (variant_id);
    CREATE INDEX variants_by_edit ON variants (edit_kind, id);
  `,
};

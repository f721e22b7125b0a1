import type { Migration } from './migration.ts';

export const relightWithoutPackSchema: Migration = {
  version: 18,
  name: 'synthesis: variants made without a generator (relighting) name no pack',
  // SQLite cannot drop NOT NULL in place, and rebuilding the table would cascade into decisions
  // (foreign keys stay on inside the migration's transaction): the column is replaced instead.
  up: `
    ALTER TABLE variants ADD COLUMN made_with_pack INTEGER REFERENCES packs(id);
    UPDATE variants SET made_with_pack = pack_id;
    ALTER TABLE variants DROP COLUMN pack_id;
    ALTER TABLE variants RENAME COLUMN made_with_pack TO pack_id;
  `,
};

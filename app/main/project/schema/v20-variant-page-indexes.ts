import type { Migration } from './migration.ts';

/**
 * The curation grid pages a group of variants in the view's order by seeking from a tile it holds
 * (curation/variant-query.ts). That is a walk down an index only when one leads with the group and
 * follows with the sort key: an edit or identity group of 30k variants was otherwise sorted whole
 * for every page. Grouped by source, groups are a few variants each and need none. The ids ending
 * every entry are the order's tie-break.
 */
export const variantPageIndexesSchema: Migration = {
  version: 20,
  name: 'curation: indexes for paging edit and identity groups in every sort order',
  up: `
    CREATE INDEX variants_by_edit_natural ON variants (edit_kind, source_image_id, ordinal);
    CREATE INDEX variants_by_edit_id_to_source ON variants (edit_kind, id_to_source);
    CREATE INDEX variants_by_edit_id_to_centroid ON variants (edit_kind, id_to_centroid);
    CREATE INDEX variants_by_edit_id_to_nearest_other ON variants (edit_kind, id_to_nearest_other);
    CREATE INDEX variants_by_edit_diversity ON variants (edit_kind, diversity);
    CREATE INDEX variants_by_edit_strength ON variants (edit_kind, strength);
    CREATE INDEX variants_by_identity_natural ON variants (identity_id, source_image_id, ordinal);
    CREATE INDEX variants_by_identity_id_to_source ON variants (identity_id, id_to_source);
    CREATE INDEX variants_by_identity_id_to_centroid ON variants (identity_id, id_to_centroid);
    CREATE INDEX variants_by_identity_id_to_nearest_other ON variants (identity_id, id_to_nearest_other);
    CREATE INDEX variants_by_identity_diversity ON variants (identity_id, diversity);
    CREATE INDEX variants_by_identity_strength ON variants (identity_id, strength);
  `,
};

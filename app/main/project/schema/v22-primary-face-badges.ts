import type { Migration } from './migration.ts';

/**
 * The dataset grid asks each tile's analysis badge (vision/vision-queries.ts imageBadges): the
 * primary face's quality and outlier flag. With those in the primary-face index a badge never reads
 * the face row, which carries the packed mesh (2.7 kB, a third of a page): 200 tiles read a few index
 * pages instead of 70 table pages, whatever the project's size. The index replaces `faces_primary`,
 * which it extends.
 */
export const primaryFaceBadgesSchema: Migration = {
  version: 22,
  name: 'vision: primary-face index covers the grid badges (quality, outlier)',
  up: `
    CREATE INDEX faces_primary_badges ON faces (image_id, quality, outlier) WHERE is_primary = 1;
    DROP INDEX faces_primary;
  `,
};

import type { Migration } from './migration.ts';

export const datasetIndexesSchema: Migration = {
  version: 5,
  name: 'dataset: images by identity and path',
  // Serves the image grid (an identity's rows in path order, walked without a sort) and, since it
  // also holds status, the per-identity counts without reading the table.
  up: `CREATE INDEX images_by_identity_path ON images (identity_id, dataset_id, rel_path, status);`,
};

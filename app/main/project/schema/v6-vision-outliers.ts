import type { Migration } from './migration.ts';

export const visionOutliersSchema: Migration = {
  version: 6,
  name: 'vision: distance of each primary face to its identity centroid, outlier flag',
  up: `
    -- Written for primary faces when centroids are recomputed; NULL for other faces and faces of
    -- images without an identity. centroid_similarity is the cosine to the centroid of the default
    -- embedding model; outlier = 1 marks a likely labelling error.
    ALTER TABLE faces ADD COLUMN centroid_similarity REAL;
    ALTER TABLE faces ADD COLUMN outlier INTEGER NOT NULL DEFAULT 0 CHECK (outlier IN (0, 1));
    CREATE INDEX faces_outliers ON faces (outlier) WHERE outlier = 1;
  `,
};

import type { Migration } from './migration.ts';
import { coreSchema } from './v1-core.ts';
import { visionSchema } from './v2-vision.ts';
import { synthesisSchema } from './v3-synthesis.ts';
import { curationSchema } from './v4-curation.ts';
import { datasetIndexesSchema } from './v5-dataset-indexes.ts';
import { visionOutliersSchema } from './v6-vision-outliers.ts';
import { decisionProvenanceSchema } from './v15-decision-provenance.ts';
import { variantScaleSchema } from './v16-variant-scale.ts';
import { naturalOrderSchema } from './v17-natural-order.ts';
import { relightWithoutPackSchema } from './v18-relight-without-pack.ts';
import { variantLandmarksSchema } from './v19-variant-landmarks.ts';
import { variantPageIndexesSchema } from './v20-variant-page-indexes.ts';
import { compactLandmarksSchema } from './v21-compact-landmarks.ts';
import { primaryFaceBadgesSchema } from './v22-primary-face-badges.ts';

/**
 * Every schema step in order. A step, once released, is never edited: add a new one with a version
 * above the last (15 shipped straight after 6, so the next is 16; migrations.spec.ts enforces the
 * order and upgrades the snapshot of the last release in test/fixtures/releases).
 */
export const migrations: readonly Migration[] = [
  coreSchema,
  visionSchema,
  synthesisSchema,
  curationSchema,
  datasetIndexesSchema,
  visionOutliersSchema,
  decisionProvenanceSchema,
  variantScaleSchema,
  naturalOrderSchema,
  relightWithoutPackSchema,
  variantLandmarksSchema,
  variantPageIndexesSchema,
  compactLandmarksSchema,
  primaryFaceBadgesSchema,
];

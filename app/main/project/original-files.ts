import { resolve } from 'node:path';
import { ApiError } from '#api/errors.ts';
import type { ProjectDatabase } from './project-database.ts';

/** Where an imported photo lies: its dataset's root joined with its relative path. The one place that joins them. */
export function originalPathOf(datasetRoot: string, relPath: string): string {
  return resolve(datasetRoot, relPath);
}

/** The file an imported image was read from (any status but a refused one is still on disk where it was found). */
export function sourceImagePath(db: ProjectDatabase, imageId: number): string {
  return originalFile(db, imageId).path;
}

/** The photo's path and its dataset's root, the folder a served original must stay inside. */
export function originalFile(db: ProjectDatabase, imageId: number): { path: string; datasetRoot: string; status: string } {
  const row = db
    .prepare('SELECT d.root, i.rel_path, i.status FROM images i JOIN datasets d ON d.id = i.dataset_id WHERE i.id = ?')
    .get(imageId) as { root: string; rel_path: string; status: string } | undefined;
  if (!row) throw new ApiError('NOT_FOUND', `no image ${imageId}`);
  return { path: originalPathOf(row.root, row.rel_path), datasetRoot: row.root, status: row.status };
}

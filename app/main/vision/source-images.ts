import { resolve } from 'node:path';
import { ApiError } from '#api/errors.ts';
import type { ProjectDatabase } from '../project/project-database.ts';

/** The file an imported image was read from: its dataset's root joined with its relative path. */
export function sourceImagePath(db: ProjectDatabase, imageId: number): string {
  const row = db.prepare('SELECT d.root, i.rel_path FROM images i JOIN datasets d ON d.id = i.dataset_id WHERE i.id = ?').get(imageId) as
    { root: string; rel_path: string } | undefined;
  if (!row) throw new ApiError('NOT_FOUND', `no image ${imageId}`);
  return resolve(row.root, row.rel_path);
}

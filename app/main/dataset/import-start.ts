import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ImportRequest } from '#api/dataset.ts';
import { ApiError } from '#api/errors.ts';
import type { ProjectDatabase } from '../project/project-database.ts';
import type { ProjectSession } from '../project/project-session.ts';
import type { ImportJobParams } from './import-job.ts';
import { readMapping } from './mapping-csv.ts';

/**
 * Checks what can be checked before queueing, so a wrong path fails the call with a message naming
 * it instead of failing a job later; then queues the import of that dataset, creating it on first use.
 */
export async function startImport(session: ProjectSession, request: ImportRequest): Promise<{ jobId: number }> {
  const root = resolve(request.root);
  await requireFolder(root);
  const absolute: ImportRequest =
    request.layout === 'csv' ? { layout: 'csv', root, mappingCsv: resolve(request.mappingCsv) } : { layout: 'imagefolder', root };
  if (absolute.layout === 'csv') await readMapping(absolute.mappingCsv);
  const params: ImportJobParams = { datasetId: datasetFor(session.db, absolute), request: absolute };
  return { jobId: session.jobs.enqueue('import', params).id };
}

async function requireFolder(path: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ApiError('NOT_FOUND', `${path}: no such folder`);
    throw new ApiError('INVALID_INPUT', `${path}: cannot open the folder (${code})`);
  }
  if (!info.isDirectory()) throw new ApiError('INVALID_INPUT', `${path} is a file; choose the folder that holds the images`);
}

/** Re-importing the same folder reuses its dataset, so only files it does not have yet are added. */
function datasetFor(db: ProjectDatabase, request: ImportRequest): number {
  const mapping = request.layout === 'csv' ? request.mappingCsv : null;
  const existing = db
    .prepare('SELECT id FROM datasets WHERE root = ? AND layout = ? AND mapping_csv IS ?')
    .pluck()
    .get(request.root, request.layout, mapping) as number | undefined;
  if (existing !== undefined) return existing;
  const info = db
    .prepare('INSERT INTO datasets (root, layout, mapping_csv, created_at) VALUES (?, ?, ?, ?)')
    .run(request.root, request.layout, mapping, new Date().toISOString());
  return Number(info.lastInsertRowid);
}

import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '#api/errors.ts';
import { problemFromFsError } from './fs-problems.ts';
import { hasImageExtension, isHidden } from './image-files.ts';
import type { ImportProblem } from './import-item.ts';

export interface ScanProblem extends ImportProblem {
  readonly relPath: string;
}

/** What lies under an import root: image-named files and the entries that could not be walked. */
export interface FolderScan {
  /** '/'-separated paths relative to the root, in no particular order. */
  readonly files: string[];
  readonly problems: ScanProblem[];
}

/**
 * Walks `root`, following symbolic links (datasets are often assembled from links) but never into
 * a folder it is already inside, which is what turns a link loop into a problem instead of a hang.
 */
export async function scanFolder(root: string, signal: AbortSignal): Promise<FolderScan> {
  const scan: FolderScan = { files: [], problems: [] };
  let rootId: string;
  try {
    rootId = await folderId(root);
  } catch (error) {
    throw new ApiError('NOT_FOUND', `${root}: cannot read the import folder (${(error as NodeJS.ErrnoException).code})`);
  }
  await walk(root, '', new Set([rootId]), scan, signal);
  return scan;
}

async function walk(dir: string, rel: string, ancestors: ReadonlySet<string>, scan: FolderScan, signal: AbortSignal) {
  signal.throwIfAborted();
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (rel === '') throw new ApiError('NOT_FOUND', `${dir}: cannot list the import folder (${(error as NodeJS.ErrnoException).code})`);
    scan.problems.push({ relPath: rel, ...folderProblem(rel, error) });
    return;
  }
  for (const entry of entries) {
    if (isHidden(entry.name)) continue;
    const abs = join(dir, entry.name);
    const relPath = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) await enter(abs, relPath, ancestors, scan, signal);
    else if (entry.isSymbolicLink()) await follow(abs, relPath, ancestors, scan, signal);
    else if (hasImageExtension(entry.name)) scan.files.push(relPath);
  }
}

async function enter(abs: string, relPath: string, ancestors: ReadonlySet<string>, scan: FolderScan, signal: AbortSignal) {
  let id: string;
  try {
    id = await folderId(abs);
  } catch (error) {
    scan.problems.push({ relPath, ...folderProblem(relPath, error) });
    return;
  }
  if (ancestors.has(id)) {
    scan.problems.push({
      relPath,
      code: 'SYMLINK_LOOP',
      message: `${relPath} links back to a folder that contains it; it was not followed`,
    });
    return;
  }
  await walk(abs, relPath, new Set([...ancestors, id]), scan, signal);
}

async function follow(abs: string, relPath: string, ancestors: ReadonlySet<string>, scan: FolderScan, signal: AbortSignal) {
  try {
    const target = await stat(abs);
    if (target.isDirectory()) await enter(abs, relPath, ancestors, scan, signal);
    else if (hasImageExtension(relPath)) scan.files.push(relPath);
  } catch (error) {
    // A loop is reported whatever the link is called: it may stand where a folder of images should be.
    const looped = (error as NodeJS.ErrnoException).code === 'ELOOP';
    if (looped || hasImageExtension(relPath)) scan.problems.push({ relPath, ...problemFromFsError(relPath, error) });
  }
}

async function folderId(path: string): Promise<string> {
  const info = await stat(path);
  if (!info.isDirectory()) throw Object.assign(new Error(`${path} is not a folder`), { code: 'ENOTDIR' });
  return `${info.dev}:${info.ino}`;
}

function folderProblem(relPath: string, error: unknown): ImportProblem {
  const problem = problemFromFsError(`folder ${relPath}`, error);
  return problem.code === 'SYMLINK_LOOP' ? problem : { code: 'UNREADABLE', message: `${problem.message}; its images were skipped` };
}

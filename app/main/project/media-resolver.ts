import { realpathSync } from 'node:fs';
import { extname, isAbsolute, relative } from 'node:path';
import { ApiError } from '#api/errors.ts';
import { originalImageId } from '../media/media-keys.ts';
import { MediaStore } from '../media/media-store.ts';
import { originalFile } from './original-files.ts';
import type { ProjectSession } from './project-session.ts';

export interface ResolvedMedia {
  readonly path: string;
  readonly contentType: string;
}

const contentTypes: Record<string, string> = {
  '.webp': 'image/webp',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.bin': 'application/octet-stream',
};

/**
 * The only way a host turns a media key into a file. Derived media come from the project's store
 * (stored, or recomputed into its cache); originals are looked up by image id, so a request can
 * never name a path, and the real path must still lie inside the dataset root (a symlink in the
 * dataset pointing elsewhere is refused).
 */
export async function resolveMedia(session: ProjectSession, key: string): Promise<ResolvedMedia> {
  const imageId = originalImageId(key);
  const original = imageId === null ? null : originalFile(session.db, imageId);
  if (original?.status === 'error') throw new ApiError('NOT_FOUND', `no image ${imageId}`);
  const path = original ? original.path : await session.media.resolve(key);
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    throw new ApiError('NOT_FOUND', `no media ${key}`);
  }
  const root = realpathSync(original ? original.datasetRoot : session.media.root);
  if (!isInside(root, real)) throw new ApiError('NOT_FOUND', `media ${key} resolves outside the project`);
  return { path: real, contentType: contentTypes[extname(real).toLowerCase()] ?? 'application/octet-stream' };
}

export function isMediaKey(key: string): boolean {
  return originalImageId(key) !== null || MediaStore.isKey(key);
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

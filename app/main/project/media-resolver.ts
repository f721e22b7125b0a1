import { realpathSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { ApiError } from '#api/errors.ts';
import type { ProjectSession } from './project-session.ts';
import { MediaStore } from '../media/media-store.ts';

export interface ResolvedMedia {
  readonly path: string;
  readonly contentType: string;
}

const ORIGINAL_KEY = /^originals\/(\d{1,12})$/;

const contentTypes: Record<string, string> = {
  '.webp': 'image/webp',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.bin': 'application/octet-stream',
};

/**
 * The only way a host turns a media key into a file. Derived media come from the project's store;
 * originals are looked up by image id, so a request can never name a path, and the real path must
 * still lie inside the dataset root (a symlink in the dataset pointing elsewhere is refused).
 */
export function resolveMedia(session: ProjectSession, key: string): ResolvedMedia {
  const original = ORIGINAL_KEY.exec(key);
  const path = original ? originalPath(session, Number(original[1])) : session.media.pathOf(key);
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    throw new ApiError('NOT_FOUND', `no media ${key}`);
  }
  const root = original ? datasetRootOf(session, Number(original[1])) : realpathSync(session.media.root);
  if (!isInside(root, real)) throw new ApiError('NOT_FOUND', `media ${key} resolves outside the project`);
  return { path: real, contentType: contentTypes[extname(real).toLowerCase()] ?? 'application/octet-stream' };
}

export function isMediaKey(key: string): boolean {
  return ORIGINAL_KEY.test(key) || MediaStore.isKey(key);
}

function originalPath(session: ProjectSession, imageId: number): string {
  const row = session.db
    .prepare("SELECT d.root, i.rel_path FROM images i JOIN datasets d ON d.id = i.dataset_id WHERE i.id = ? AND i.status != 'error'")
    .get(imageId) as { root: string; rel_path: string } | undefined;
  if (!row) throw new ApiError('NOT_FOUND', `no image ${imageId}`);
  return resolve(row.root, row.rel_path);
}

function datasetRootOf(session: ProjectSession, imageId: number): string {
  const row = session.db.prepare('SELECT d.root FROM images i JOIN datasets d ON d.id = i.dataset_id WHERE i.id = ?').get(imageId) as {
    root: string;
  };
  return realpathSync(row.root);
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

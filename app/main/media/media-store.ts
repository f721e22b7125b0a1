import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ApiError } from '#api/errors.ts';

export const mediaKinds = ['thumbs', 'aligned', 'variants', 'masks'] as const;
export type MediaKind = (typeof mediaKinds)[number];

const KEY_PATTERN = /^(thumbs|aligned|variants|masks)\/[A-Za-z0-9_-]{1,128}\.(webp|png|jpg|bin)$/;

/**
 * Files the project derives (thumbnails, aligned crops, variants) live in a folder beside the
 * project file, addressed by keys of a fixed shape, so no key can ever name a path outside it.
 */
export class MediaStore {
  readonly root: string;

  constructor(projectPath: string) {
    this.root = `${resolve(projectPath)}.media`;
    for (const kind of mediaKinds) mkdirSync(join(this.root, kind), { recursive: true });
  }

  static isKey(key: string): boolean {
    return KEY_PATTERN.test(key);
  }

  pathOf(key: string): string {
    if (!MediaStore.isKey(key)) throw new ApiError('NOT_FOUND', `not a media key: ${JSON.stringify(key)}`);
    const path = resolve(this.root, key);
    const rel = relative(this.root, path);
    if (rel.startsWith('..') || isAbsolute(rel) || rel.includes(`..${sep}`)) {
      throw new ApiError('NOT_FOUND', `media key escapes the store: ${JSON.stringify(key)}`);
    }
    return path;
  }

  has(key: string): boolean {
    return existsSync(this.pathOf(key));
  }

  /** Write-then-rename: a kill leaves either the old file, the new file, or a stray `.tmp` — never half a file. */
  async write(key: string, bytes: Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    const temp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
    await writeFile(temp, bytes);
    await rename(temp, path);
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}

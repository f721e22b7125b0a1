import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ApiError } from '#api/errors.ts';
import { temporaryBeside } from '../core/atomic-file.ts';
import { DerivedMediaCache } from './derived-media-cache.ts';

export const mediaKinds = ['thumbs', 'aligned', 'variants', 'masks'] as const;
export type MediaKind = (typeof mediaKinds)[number];

const KEY_PATTERN = /^(thumbs|aligned|variants|masks)\/([A-Za-z0-9_-]{1,128}\.(webp|png|jpg|bin))$/;

/** Makes the bytes of a key no file holds (a face crop recomputed from its photo and stored transform), or null when it cannot. */
export type MediaProducer = (key: string) => Promise<Uint8Array | null>;

/** What a store does by default: 256 sub-folders per kind, and recomputed files kept up to 64 MiB. */
export const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * Files the project derives (thumbnails, variants, person masks) live in a folder beside the
 * project file, addressed by keys of a fixed shape, so no key can ever name a path outside it.
 * Each file lies in a sub-folder named by a hash of its key (`thumbs/3f/<name>`), so no folder
 * grows past a few thousand entries at millions of files; a project written before that layout
 * has its flat files moved into place when it is opened.
 *
 * Files that are cheaper to recompute than to keep (aligned crops, validity masks) have no file:
 * `resolve` asks the producer and keeps the result in a bounded cache beside the store.
 */
export class MediaStore {
  readonly root: string;
  readonly cache: DerivedMediaCache;
  readonly #producer: MediaProducer | null;

  constructor(projectPath: string, options: { producer?: MediaProducer; cacheBytes?: number } = {}) {
    this.root = `${resolve(projectPath)}.media`;
    for (const kind of mediaKinds) mkdirSync(join(this.root, kind), { recursive: true });
    shardFlatFiles(this.root);
    this.#producer = options.producer ?? null;
    this.cache = new DerivedMediaCache(join(this.root, '.cache'), options.cacheBytes ?? DEFAULT_CACHE_BYTES);
  }

  static isKey(key: string): boolean {
    return KEY_PATTERN.test(key);
  }

  /** The file a key names (whether or not it exists). */
  pathOf(key: string): string {
    return MediaStore.pathUnder(this.root, key);
  }

  /** The file a key names under a media folder, for readers that must not open a store (it moves old layouts). */
  static pathUnder(root: string, key: string): string {
    const match = KEY_PATTERN.exec(key);
    if (!match) throw new ApiError('NOT_FOUND', `not a media key: ${JSON.stringify(key)}`);
    return join(root, match[1], shardOf(match[2]), match[2]);
  }

  has(key: string): boolean {
    return existsSync(this.pathOf(key));
  }

  /** Whether a key can be served: a stored file, or one the producer makes on request. */
  canProduce(key: string): boolean {
    return this.#producer !== null && MediaStore.isKey(key);
  }

  /** A readable file holding the key's bytes: the stored one, else a recomputed one from the cache; NOT_FOUND when neither exists. */
  async resolve(key: string): Promise<string> {
    const stored = this.pathOf(key);
    if (existsSync(stored)) return stored;
    const producer = this.#producer;
    if (producer) {
      const cached = await this.cache.get(key, () => producer(key));
      if (cached) return cached;
    }
    throw new ApiError('NOT_FOUND', `no media ${key}`);
  }

  /** Write-then-rename: a kill leaves either the old file, the new file, or a stray `.tmp` — never half a file. */
  async write(key: string, bytes: Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    mkdirSync(dirname(path), { recursive: true });
    const temp = temporaryBeside(path);
    await writeFile(temp, bytes);
    await rename(temp, path);
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}

/** Two hex digits of the name's hash: 256 sub-folders per kind, evenly filled whatever the names look like. */
function shardOf(name: string): string {
  return createHash('sha1').update(name).digest('hex').slice(0, 2);
}

/**
 * Moves files of the flat layout (`thumbs/<name>`) into their sub-folders. Each move is a rename
 * within one file system, so a kill part-way leaves every file in one of its two places, and the
 * next open finishes the job; half-written `.tmp` files of the old layout are dropped.
 */
function shardFlatFiles(root: string): void {
  for (const kind of mediaKinds) {
    const folder = join(root, kind);
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (name.startsWith('.') && name.endsWith('.tmp')) {
        rmSync(path, { force: true });
        continue;
      }
      if (!KEY_PATTERN.test(`${kind}/${name}`) || !statSync(path).isFile()) continue;
      const target = join(folder, shardOf(name));
      mkdirSync(target, { recursive: true });
      renameSync(path, join(target, name));
    }
  }
}

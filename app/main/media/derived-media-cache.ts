import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { temporaryBeside } from '../core/atomic-file.ts';

/**
 * Recomputed media files, kept on disk so the hosts can stream them like stored ones, least
 * recently used first out once they pass `maxBytes`. The cache is disposable: it starts empty
 * with each open project, so its size never adds to what a project keeps.
 */
export class DerivedMediaCache {
  readonly folder: string;
  readonly maxBytes: number;
  /** key → bytes on disk; Map order is use order (oldest first). */
  readonly #entries = new Map<string, number>();
  readonly #pending = new Map<string, Promise<string | null>>();
  #bytes = 0;

  constructor(folder: string, maxBytes: number) {
    this.folder = folder;
    this.maxBytes = maxBytes;
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
  }

  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The cached file of `key`, producing it on a miss; concurrent requests for one key share one production. */
  async get(key: string, produce: () => Promise<Uint8Array | null>): Promise<string | null> {
    const bytes = this.#entries.get(key);
    if (bytes !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, bytes);
      return this.#pathOf(key);
    }
    const pending = this.#pending.get(key);
    if (pending) return pending;
    const production = this.#produce(key, produce).finally(() => this.#pending.delete(key));
    this.#pending.set(key, production);
    return production;
  }

  async #produce(key: string, produce: () => Promise<Uint8Array | null>): Promise<string | null> {
    const data = await produce();
    if (!data) return null;
    const path = this.#pathOf(key);
    const temp = temporaryBeside(path);
    await writeFile(temp, data);
    await rename(temp, path);
    this.#entries.set(key, data.byteLength);
    this.#bytes += data.byteLength;
    await this.#evict(key);
    return path;
  }

  /** Drops the least recently used files until the cache fits, never the one just made. */
  async #evict(keep: string): Promise<void> {
    for (const [key, bytes] of this.#entries) {
      if (this.#bytes <= this.maxBytes) return;
      if (key === keep) continue;
      this.#entries.delete(key);
      this.#bytes -= bytes;
      await rm(this.#pathOf(key), { force: true });
    }
  }

  #pathOf(key: string): string {
    const name = createHash('sha1').update(key).digest('hex');
    const dot = key.lastIndexOf('.');
    return join(this.folder, `${name}${dot >= 0 ? key.slice(dot) : ''}`);
  }
}

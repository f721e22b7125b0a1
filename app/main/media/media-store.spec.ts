import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { thumbKey, variantKey } from './media-keys.ts';
import { MediaStore } from './media-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'likeness-media-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the media store', () => {
  it('spreads files over 256 hashed sub-folders per kind, whatever their names look like', async () => {
    const store = new MediaStore(join(dir, 'spread.likeness'));
    for (let i = 0; i < 2000; i++) await store.write(variantKey(1, i, 0), new Uint8Array([i & 255]));
    const shards = readdirSync(join(store.root, 'variants'));
    expect(shards.every((s) => /^[0-9a-f]{2}$/.test(s))).toBe(true);
    expect(shards.length).toBeGreaterThan(240);
    const largest = Math.max(...shards.map((s) => readdirSync(join(store.root, 'variants', s)).length));
    expect(largest).toBeLessThan(30);
    const key = variantKey(1, 7, 0);
    expect(relative(store.root, store.pathOf(key))).toMatch(/^variants\/[0-9a-f]{2}\/j1-i7-o0\.png$/);
    expect(store.has(key)).toBe(true);
    expect(await store.resolve(key)).toBe(store.pathOf(key));
  });

  it('moves a flat folder of the previous layout into sub-folders on open, under the same keys, and drops stray temp files', () => {
    const project = join(dir, 'old.likeness');
    const hash = 'ab'.repeat(32);
    mkdirSync(`${project}.media/thumbs`, { recursive: true });
    mkdirSync(`${project}.media/masks`, { recursive: true });
    writeFileSync(`${project}.media/${thumbKey(hash)}`, 'thumb');
    writeFileSync(`${project}.media/masks/3_0.png`, 'mask');
    writeFileSync(`${project}.media/masks/.0a1b2c.tmp`, 'half');
    const store = new MediaStore(project);
    expect(store.has(thumbKey(hash))).toBe(true);
    expect(store.has('masks/3_0.png')).toBe(true);
    expect(existsSync(`${project}.media/${thumbKey(hash)}`)).toBe(false);
    expect(readdirSync(`${project}.media/masks`).every((s) => /^[0-9a-f]{2}$/.test(s))).toBe(true);
    // Opening again finds nothing left to move.
    expect(new MediaStore(project).has(thumbKey(hash))).toBe(true);
  });

  it('recomputes keys it has no file for through the producer, once for concurrent requests, in a cache bounded by bytes', async () => {
    const made: string[] = [];
    const store = new MediaStore(join(dir, 'derived.likeness'), {
      cacheBytes: 3000,
      producer: async (key) => {
        made.push(key);
        return key.startsWith('aligned/') ? new Uint8Array(1000).fill(key.length) : null;
      },
    });
    const [a, b] = await Promise.all([store.resolve('aligned/1_0.png'), store.resolve('aligned/1_0.png')]);
    expect(a).toBe(b);
    expect(made).toEqual(['aligned/1_0.png']);
    for (let i = 2; i <= 6; i++) await store.resolve(`aligned/${i}_0.png`);
    expect(store.cache.bytes).toBeLessThanOrEqual(3000);
    expect(readdirSync(store.cache.folder)).toHaveLength(3);
    // The oldest was evicted and is made again on request; a key the producer cannot make is not found.
    await store.resolve('aligned/1_0.png');
    expect(made.filter((k) => k === 'aligned/1_0.png')).toHaveLength(2);
    await expect(store.resolve('masks/9_0.png')).rejects.toThrow(/no media/);
    // Nothing of the cache survives a reopen: it is never part of what the project keeps.
    expect(readdirSync(new MediaStore(join(dir, 'derived.likeness')).cache.folder)).toEqual([]);
  });

  it('refuses keys that are not of the fixed shape', () => {
    const store = new MediaStore(join(dir, 'keys.likeness'));
    for (const key of ['../x.png', 'thumbs/../../x.png', 'thumbs/a/b.png', 'other/a.png', 'thumbs/a.exe']) {
      expect(() => store.pathOf(key)).toThrow(/not a media key/);
    }
  });
});

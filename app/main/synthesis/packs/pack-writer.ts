import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { PACK_MANIFEST_FILE } from './pack-loader.ts';
import type { PackManifestInput } from './pack-manifest.ts';

/** A manifest whose file entries get their sha256 filled in from the bytes being written. */
export type UnhashedManifest = Omit<PackManifestInput, 'encoder' | 'mapping' | 'synthesis' | 'directions'> & {
  encoder: Omit<PackManifestInput['encoder'], 'sha256'>;
  mapping?: Omit<NonNullable<PackManifestInput['mapping']>, 'sha256'>;
  synthesis: Omit<PackManifestInput['synthesis'], 'sha256'>;
  directions?: Omit<NonNullable<PackManifestInput['directions']>[number], 'sha256'>[];
};

/**
 * Writes a pack folder: the files, then pack.json with their hashes. It is built in a sibling
 * temp folder and renamed into place, so a crash never leaves a half-written pack under the name.
 */
export async function writePack(dir: string, manifest: UnhashedManifest, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
  const target = resolve(dir);
  const temp = join(dirname(target), `.${randomBytes(6).toString('hex')}.pack-tmp`);
  const hashes = new Map<string, string>();
  await mkdir(temp, { recursive: true });
  try {
    for (const [name, bytes] of files) {
      await mkdir(dirname(join(temp, name)), { recursive: true });
      await writeFile(join(temp, name), bytes);
      hashes.set(name, createHash('sha256').update(bytes).digest('hex'));
    }
    const hashOf = (file: string): string => {
      const hash = hashes.get(file);
      if (!hash) throw new Error(`pack.json names "${file}" but no such file is being written`);
      return hash;
    };
    const full: PackManifestInput = {
      ...manifest,
      encoder: { ...manifest.encoder, sha256: hashOf(manifest.encoder.file) },
      mapping: manifest.mapping && { ...manifest.mapping, sha256: hashOf(manifest.mapping.file) },
      synthesis: { ...manifest.synthesis, sha256: hashOf(manifest.synthesis.file) },
      directions: manifest.directions?.map((d) => ({ ...d, sha256: hashOf(d.file) })),
    };
    await writeFile(join(temp, PACK_MANIFEST_FILE), `${JSON.stringify(full, null, 2)}\n`);
    await rm(target, { recursive: true, force: true });
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

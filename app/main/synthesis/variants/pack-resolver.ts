import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ApiError } from '#api/errors.ts';
import type { PackChoice } from '#api/synthesis.ts';
import type { ProjectDatabase } from '../../project/project-database.ts';
import { defaultFitOptions, fitAppearanceModel } from '../default-generator/appearance-model-fit.ts';
import { DEFAULT_PACK_NAME, exportDefaultPack } from '../default-generator/default-pack-export.ts';
import type { FaceSource } from '../sources/face-source.ts';
import type { GeneratorPack } from '../packs/generator-pack.ts';
import type { InferenceRuntime } from '../packs/inference-runtime.ts';
import { loadGeneratorPack } from '../packs/pack-loader.ts';
import { defaultPacksDir } from '../packs/project-packs-folder.ts';
import { packOfJob, registerPack } from './variant-store.ts';

export interface ResolvedPack {
  readonly pack: GeneratorPack;
  readonly packId: number;
}

export interface PackResolveContext {
  readonly db: ProjectDatabase;
  readonly projectPath: string;
  readonly runtime: InferenceRuntime;
  readonly faces: FaceSource;
  readonly jobId: number;
  readonly signal?: AbortSignal;
  readonly progress?: (fraction: number, message: string) => void;
}

/**
 * The pack a synthesize job runs with. A resumed job keeps the pack it started with (its
 * committed variants came from it); otherwise an installed pack by id, or the project's default
 * generator, fitted now if there is none yet or a refit was asked for.
 */
export async function resolveJobPack(choice: PackChoice, context: PackResolveContext): Promise<ResolvedPack> {
  const { db, runtime } = context;
  const prior = packOfJob(db, context.jobId);
  if (prior) return { pack: await loadGeneratorPack(prior.path, runtime), packId: prior.id };
  if (choice.kind === 'installed') {
    const row = db.prepare('SELECT path, hash FROM packs WHERE id = ?').get(choice.packId) as { path: string; hash: string } | undefined;
    if (!row) throw new ApiError('NOT_FOUND', `no pack ${choice.packId} in this project`);
    const pack = await loadGeneratorPack(row.path, runtime);
    if (pack.hash !== row.hash) {
      await pack.close();
      throw new ApiError('PACK_INVALID', `the pack at ${row.path} changed since it was added; add it again to use the new files`);
    }
    return { pack, packId: choice.packId };
  }
  if (!choice.refit) {
    const latest = latestDefaultPack(db);
    if (latest) {
      try {
        return { pack: await loadGeneratorPack(latest.path, runtime), packId: latest.id };
      } catch {
        // Its folder was deleted or damaged: fit a fresh one below.
      }
    }
  }
  return fitDefaultPack(context);
}

export function latestDefaultPack(db: ProjectDatabase): { id: number; path: string } | null {
  return (
    (db.prepare('SELECT id, path FROM packs WHERE name = ? ORDER BY id DESC LIMIT 1').get(DEFAULT_PACK_NAME) as
      { id: number; path: string } | undefined) ?? null
  );
}

/** How the folders fitDefaultPack and writePack create under the packs folder are named. */
const FITTED_PACK_NAME = /^(default-\d{17}-[0-9a-f]{6}|\.[0-9a-f]{12}\.pack-tmp)$/;

/**
 * Fitted packs no row names: a fit killed after writing its pack but before registering it, a write
 * killed half way, or a refit of unchanged faces (same hash, so the row moved to the new folder).
 * Each is a full pack's size. The project's lock keeps any other process from fitting here.
 */
async function removeUnregisteredPacks(context: PackResolveContext): Promise<void> {
  const dir = defaultPacksDir(context.projectPath);
  const registered = new Set((context.db.prepare('SELECT path FROM packs').pluck().all() as string[]).map((path) => resolve(path)));
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const name of names) {
    if (FITTED_PACK_NAME.test(name) && !registered.has(join(dir, name))) await rm(join(dir, name), { recursive: true, force: true });
  }
}

async function fitDefaultPack(context: PackResolveContext): Promise<ResolvedPack> {
  await removeUnregisteredPacks(context);
  const faces = context.faces.faces();
  const model = await fitAppearanceModel(context.faces, faces, {
    ...defaultFitOptions,
    signal: context.signal,
    progress: (fraction, message) => context.progress?.(fraction, `fitting the default generator: ${message}`),
  });
  const dir = `${defaultPacksDir(context.projectPath)}/default-${new Date().toISOString().replace(/[-:.TZ]/g, '')}-${randomBytes(3).toString('hex')}`;
  await exportDefaultPack(dir, model);
  try {
    const pack = await loadGeneratorPack(dir, context.runtime);
    return { pack, packId: registerPack(context.db, pack) };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

import { randomBytes } from 'node:crypto';
import { basename, join, resolve } from 'node:path';
import { ApiError } from '#api/errors.ts';
import { CheckpointError } from '../checkpoints/torch-checkpoint.ts';
import { PickleRefused } from '../checkpoints/restricted-unpickler.ts';
import { defaultPacksDir } from '../packs/project-packs-folder.ts';
import { importStylegan2 } from './stylegan2-import.ts';
import { StyleganFormatError } from './stylegan2-weights.ts';

/**
 * The UI's import: the pack goes beside the project (`<project>.likeness.packs/stylegan2-…`),
 * and a file that is refused or is no StyleGAN2 comes back as INVALID_INPUT naming the file.
 */
export async function importCheckpointBesideProject(projectPath: string, checkpoint: string, truncation?: number): Promise<string> {
  const stem =
    basename(checkpoint)
      .replace(/\.[^.]*$/, '')
      .replace(/[^A-Za-z0-9_-]+/g, '-')
      .slice(0, 40) || 'checkpoint';
  const dir = join(defaultPacksDir(projectPath), `stylegan2-${stem}-${randomBytes(3).toString('hex')}`);
  try {
    await importStylegan2(resolve(checkpoint), dir, truncation === undefined ? {} : { truncation });
  } catch (error) {
    if (error instanceof PickleRefused || error instanceof CheckpointError || error instanceof StyleganFormatError) {
      throw new ApiError('INVALID_INPUT', error.message);
    }
    throw error;
  }
  return dir;
}

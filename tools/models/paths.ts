/** Where the model build reads from and writes to, resolved from this file so any working directory works. */
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Committed manifests live here; converted models go to its git-ignored onnx/ folder. */
export const MODELS_DIR = resolve(REPO_ROOT, 'models');
/** Real face photos shared between worktrees; never copied into the repository. */
export const SHARED_FACES_DIR = resolve(REPO_ROOT, '../shared/faces');

export function sourcePackageDir(packageName: string): string {
  return dirname(createRequire(import.meta.url).resolve(`${packageName}/package.json`));
}

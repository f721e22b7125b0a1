/** The tfjs source of a catalog model inside the installed package, with the hashes its manifest pins. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { CatalogModel } from './model-catalog.ts';
import { sourcePackageDir } from './paths.ts';
import { readTfjsModelFiles, type TfjsModelFiles } from './tfjs-graph.ts';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface FileHash {
  /** Path inside the source package, '/'-separated. */
  file: string;
  sha256: string;
}

export interface SourceModel {
  files: TfjsModelFiles;
  packageVersion: string;
  modelJson: FileHash;
  weights: FileHash[];
}

export async function readSourceModel(model: CatalogModel): Promise<SourceModel> {
  const packageDir = sourcePackageDir();
  const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const modelJsonPath = join(packageDir, model.sourceFile);
  const files = await readTfjsModelFiles(modelJsonPath);
  const hashOf = async (path: string): Promise<FileHash> => ({
    file: relative(packageDir, path).split('\\').join('/'),
    sha256: sha256(await readFile(path)),
  });
  return {
    files,
    packageVersion: version,
    modelJson: await hashOf(modelJsonPath),
    weights: await Promise.all(files.shardPaths.map(hashOf)),
  };
}

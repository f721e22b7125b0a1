/** The tfjs source of a catalog model inside its installed package, with the hashes its manifest pins. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { CatalogModel } from './model-catalog.ts';
import { sourcePackageDir } from './paths.ts';
import { readTfjsModelFiles, readTfjsWeightsFiles, type TfjsModelFiles, type TfjsWeightsFiles } from './tfjs-graph.ts';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface FileHash {
  /** Path inside the source package, '/'-separated. */
  file: string;
  sha256: string;
}

export interface SourceModel {
  files: TfjsModelFiles | TfjsWeightsFiles;
  packageVersion: string;
  /** The model.json or weights manifest. */
  modelJson: FileHash;
  weights: FileHash[];
}

export async function readSourceModel(model: CatalogModel): Promise<SourceModel> {
  const packageDir = sourcePackageDir(model.source.package);
  const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const modelJsonPath = join(packageDir, model.source.file);
  const files = model.source.format === 'tfjs-graph' ? await readTfjsModelFiles(modelJsonPath) : await readTfjsWeightsFiles(modelJsonPath);
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

/** The graph-model files of a source; throws for a weights-only model. */
export function graphFiles(source: SourceModel, id: string): TfjsModelFiles {
  if (source.files.format !== 'tfjs-graph') throw new Error(`${id} is a weights-only model; it has no tfjs graph`);
  return source.files;
}

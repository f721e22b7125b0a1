/**
 * `npm run models`: converts the catalog's tfjs models (and describes weights-only ones) into models/onnx/*.onnx
 * and checks every source file and every output against the committed
 * manifests. A model whose ONNX file already has the pinned hash is skipped.
 *
 * `npm run models -- --write-manifests` regenerates the manifests instead of
 * checking them: run it after a deliberate converter or catalog change.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { convertCatalogModel } from './catalog-conversion.ts';
import { MODELS, type CatalogModel } from './model-catalog.ts';
import { manifestFileOf, onnxFileOf, type ModelManifest } from '../../app/main/onnx/model-manifest.ts';
import { createManifest, serialiseManifest } from './model-manifest.ts';
import { encodeModelProto } from '../../app/main/onnx/onnx-builder.ts';
import { MODELS_DIR, REPO_ROOT } from './paths.ts';
import { readSourceModel, sha256, type SourceModel } from './source-model.ts';

const REGENERATE_HINT = 'if the change is intended, run `npm run models -- --write-manifests` and commit the manifests';

async function readManifest(path: string): Promise<ModelManifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new Error(`manifest ${relative(REPO_ROOT, path)} is missing (${REGENERATE_HINT})`);
  }
  return JSON.parse(text) as ModelManifest;
}

function checkSource(manifest: ModelManifest, source: SourceModel): void {
  if (manifest.source.version !== source.packageVersion) {
    throw new Error(`source package is version ${source.packageVersion}, the manifest pins ${manifest.source.version}`);
  }
  const pinned = new Map([
    [manifest.source.file, manifest.source.sha256],
    ...manifest.source.weights.map((w) => [w.file, w.sha256] as const),
  ]);
  for (const { file, sha256: actual } of [source.modelJson, ...source.weights]) {
    const expected = pinned.get(file);
    if (expected === undefined) throw new Error(`source file ${file} is not listed in the manifest`);
    if (expected !== actual) throw new Error(`source file ${file} has sha256 ${actual}, the manifest pins ${expected}`);
  }
  if (pinned.size !== 1 + source.weights.length) throw new Error('the manifest lists source files the model no longer uses');
}

async function fileHash(path: string): Promise<string | undefined> {
  try {
    return sha256(await readFile(path));
  } catch {
    return undefined;
  }
}

/** Writes through a temporary file so an interrupted build never leaves a truncated model behind. */
async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

async function buildModel(model: CatalogModel, writeManifests: boolean): Promise<string> {
  const manifestPath = join(MODELS_DIR, manifestFileOf(model.id));
  const onnxPath = join(MODELS_DIR, onnxFileOf(model.id));
  const manifest = writeManifests ? undefined : await readManifest(manifestPath);
  const source = await readSourceModel(model);
  if (manifest) {
    checkSource(manifest, source);
    if ((await fileHash(onnxPath)) === manifest.onnx.sha256) return `up to date  ${relative(REPO_ROOT, onnxPath)}`;
  }

  const started = performance.now();
  const proto = convertCatalogModel(model, source);
  const bytes = encodeModelProto(proto);
  const elapsed = performance.now() - started;
  const hash = sha256(bytes);
  if (manifest && hash !== manifest.onnx.sha256) {
    throw new Error(
      `converted ONNX has sha256 ${hash}, the manifest pins ${manifest.onnx.sha256}; the converter output changed (${REGENERATE_HINT})`,
    );
  }
  await writeAtomically(onnxPath, bytes);
  if (writeManifests) await writeAtomically(manifestPath, serialiseManifest(createManifest(model, source, proto, hash)));
  const size = (bytes.byteLength / 2 ** 20).toFixed(2);
  return `converted   ${relative(REPO_ROOT, onnxPath)}  ${size} MiB in ${elapsed.toFixed(0)} ms, sha256 ${hash.slice(0, 12)}…${writeManifests ? ', manifest written' : ''}`;
}

async function main(args: string[]): Promise<number> {
  const unknown = args.filter((arg) => arg !== '--write-manifests');
  if (unknown.length > 0) {
    console.error(`models: unknown argument ${unknown.join(' ')} (usage: tsx tools/models/build-models.ts [--write-manifests])`);
    return 2;
  }
  const writeManifests = args.includes('--write-manifests');
  const width = Math.max(...MODELS.map((m) => m.id.length));
  let failures = 0;
  for (const model of MODELS) {
    try {
      console.log(`models: ${model.id.padEnd(width)}  ${await buildModel(model, writeManifests)}`);
    } catch (error) {
      failures++;
      console.error(`models: ${model.id.padEnd(width)}  FAILED: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (failures > 0) console.error(`models: ${failures} of ${MODELS.length} models failed`);
  return failures > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));

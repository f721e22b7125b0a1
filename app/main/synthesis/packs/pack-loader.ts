import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ApiError } from '#api/errors.ts';
import { GeneratorPack, type LoadedDirection, type LoadedModel } from './generator-pack.ts';
import type { InferenceRuntime, ModelHandle } from './inference-runtime.ts';
import { readModelSignature, type TensorSignature } from '../../onnx/onnx-signature.ts';
import { resolvePackFile, sha256File } from './pack-file-check.ts';
import { PackManifest, type ModelFile, type TensorSpec } from './pack-manifest.ts';

export const PACK_MANIFEST_FILE = 'pack.json';

type Role = 'encoder' | 'mapping' | 'synthesis';

/** A pack that failed validation: every problem found, so the author fixes them in one pass. */
export function packInvalid(dir: string, problems: readonly string[]): ApiError {
  return new ApiError('PACK_INVALID', `generator pack ${dir} is not usable:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
    dir,
    problems,
  });
}

/**
 * Validates a pack folder against its ONNX files and loads it. Checks run in order of cost
 * (manifest, paths, hashes, graph signatures, a probe run) and collect every problem; on any
 * problem nothing stays loaded and PACK_INVALID lists them all.
 */
export async function loadGeneratorPack(packDir: string, runtime: InferenceRuntime): Promise<GeneratorPack> {
  const dir = resolve(packDir);
  const problems: string[] = [];
  const manifestPath = join(dir, PACK_MANIFEST_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw packInvalid(dir, [code === 'ENOENT' ? `${PACK_MANIFEST_FILE} is missing` : `${PACK_MANIFEST_FILE}: ${(error as Error).message}`]);
  }
  const parsed = PackManifest.safeParse(raw);
  if (!parsed.success) {
    throw packInvalid(
      dir,
      parsed.error.issues.map((issue) => `${PACK_MANIFEST_FILE} ${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  const manifest = parsed.data;

  const files = new Map<string, string>();
  const checkFile = async (what: string, reference: string, sha256: string): Promise<void> => {
    const found = resolvePackFile(dir, reference);
    if ('problem' in found) {
      problems.push(`${what}: ${found.problem}`);
      return;
    }
    const actual = await sha256File(found.path);
    if (actual !== sha256) {
      problems.push(`${what}: sha256 of "${reference}" is ${actual}, pack.json says ${sha256}`);
      return;
    }
    files.set(reference, found.path);
  };
  const models: [Role, ModelFile][] = [
    ['encoder', manifest.encoder],
    ['synthesis', manifest.synthesis],
  ];
  if (manifest.mapping) models.splice(1, 0, ['mapping', manifest.mapping]);
  for (const [role, spec] of models) await checkFile(role, spec.file, spec.sha256);
  for (const direction of manifest.directions) await checkFile(`direction ${direction.name}`, direction.file, direction.sha256);

  problems.push(...checkLayout(manifest));
  for (const [role, spec] of models) {
    const path = files.get(spec.file);
    if (path) problems.push(...(await checkSignature(role, spec, path)));
  }
  const directions = await readDirections(manifest, files, problems);
  if (problems.length > 0) throw packInvalid(dir, problems);

  const loaded = new Map<Role, LoadedModel>();
  try {
    for (const [role, spec] of models) {
      let handle: ModelHandle;
      try {
        handle = await runtime.load(files.get(spec.file)!);
      } catch (error) {
        problems.push(`${role}: onnxruntime cannot load "${spec.file}": ${(error as Error).message}`);
        continue;
      }
      const batchDim = spec.input.shape[0];
      loaded.set(role, { spec, handle, maxBatch: typeof batchDim === 'number' ? batchDim : Number.POSITIVE_INFINITY });
    }
    if (problems.length > 0) throw packInvalid(dir, problems);
    const pack = new GeneratorPack({
      dir,
      manifest,
      hash: createHash('sha256').update(JSON.stringify(manifest)).digest('hex'),
      runtime,
      encoder: loaded.get('encoder')!,
      mapping: loaded.get('mapping') ?? null,
      synthesis: loaded.get('synthesis')!,
      directions,
    });
    problems.push(...(await probe(pack)));
    if (problems.length > 0) throw packInvalid(dir, problems);
    return pack;
  } catch (error) {
    await Promise.all([...loaded.values()].map((m) => runtime.release(m.handle).catch(() => undefined)));
    throw error;
  }
}

/** Shapes the contract fixes regardless of the files: latent rank, image layout, ranges inside the latent. */
function checkLayout(manifest: PackManifest): string[] {
  const problems: string[] = [];
  const size = manifest.alignment.size;
  const encIn = manifest.encoder.input.shape;
  if (!(encIn.length === 4 && encIn[1] === 3 && encIn[2] === size && encIn[3] === size)) {
    problems.push(`encoder input must be [batch, 3, ${size}, ${size}] (alignment.size ${size}), pack.json says ${show(encIn)}`);
  }
  const latent = manifest.synthesis.input.shape;
  if (latent.length !== 3 || typeof latent[1] !== 'number' || typeof latent[2] !== 'number') {
    problems.push(`synthesis input must be a latent [batch, layers, width], pack.json says ${show(latent)}`);
    return problems;
  }
  const [, layers, width] = latent as [unknown, number, number];
  if (show(manifest.encoder.output.shape.slice(1)) !== show(latent.slice(1))) {
    problems.push(`encoder output ${show(manifest.encoder.output.shape)} must match synthesis input ${show(latent)}`);
  }
  const out = manifest.synthesis.output.shape;
  if (!(out.length === 4 && out[1] === 3 && typeof out[2] === 'number' && out[2] === out[3])) {
    problems.push(`synthesis output must be a square RGB image [batch, 3, size, size], pack.json says ${show(out)}`);
  }
  if (manifest.mapping) {
    const mIn = manifest.mapping.input.shape;
    const mOut = manifest.mapping.output.shape;
    if (mIn.length !== 2 || typeof mIn[1] !== 'number')
      problems.push(`mapping input must be [batch, z_width], pack.json says ${show(mIn)}`);
    if (mOut.length !== 2 || mOut[1] !== width)
      problems.push(`mapping output must be [batch, ${width}] (the latent width), pack.json says ${show(mOut)}`);
  }
  for (const item of [
    ...manifest.parts.map((p) => ({ what: `part ${p.name}`, layers: p.layers })),
    ...manifest.directions.map((d) => ({ what: `direction ${d.name}`, layers: d.layers })),
  ]) {
    if (item.layers[1] > layers) problems.push(`${item.what}: layers [${item.layers.join(', ')}) exceed the latent's ${layers} layers`);
  }
  const names = [...manifest.parts.map((p) => p.name), ...manifest.directions.map((d) => d.name)];
  for (const name of new Set(names.filter((n, i) => names.indexOf(n) !== i)))
    problems.push(`"${name}" names more than one part or direction`);
  return problems;
}

async function checkSignature(role: Role, spec: ModelFile, path: string): Promise<string[]> {
  let signature;
  try {
    signature = await readModelSignature(path);
  } catch (error) {
    return [`${role}: "${spec.file}" is not a readable ONNX model: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  const compare = (kind: 'input' | 'output', declared: TensorSpec, actual: readonly TensorSignature[]): void => {
    const match = actual.find((t) => t.name === declared.name);
    if (!match) {
      problems.push(
        `${role}: pack.json names ${kind} "${declared.name}", the model's ${kind}s are ${actual.map((t) => `"${t.name}"`).join(', ') || 'none'}`,
      );
      return;
    }
    if (match.dtype !== 'float32') {
      problems.push(
        `${role}: "${spec.file}" ${kind === 'input' ? 'takes its input' : 'gives its output'} "${declared.name}" as ${match.dtype}; packs feed and read float32 only`,
      );
    }
    if (!dimsAgree(declared.shape, match.dims)) {
      problems.push(
        `${role}: ${kind} "${declared.name}" has shape ${show(match.dims)} in the model, pack.json says ${show(declared.shape)}`,
      );
    }
  };
  compare('input', spec.input, signature.inputs);
  compare('output', spec.output, signature.outputs);
  const extra = signature.inputs.filter((t) => t.name !== spec.input.name);
  if (extra.length > 0)
    problems.push(`${role}: the model needs inputs pack.json does not feed: ${extra.map((t) => `"${t.name}"`).join(', ')}`);
  return problems;
}

/** A declared 'batch' dim accepts any model dim at that place; a declared size must match a fixed one exactly. */
function dimsAgree(declared: readonly (number | 'batch')[], actual: readonly (number | string)[]): boolean {
  if (declared.length !== actual.length) return false;
  return declared.every((d, i) => {
    const a = actual[i];
    if (d === 'batch') return true;
    return typeof a === 'number' ? a === d : false;
  });
}

async function readDirections(manifest: PackManifest, files: ReadonlyMap<string, string>, problems: string[]): Promise<LoadedDirection[]> {
  const width = manifest.synthesis.input.shape[2];
  if (typeof width !== 'number') return [];
  const loaded: LoadedDirection[] = [];
  for (const spec of manifest.directions) {
    const path = files.get(spec.file);
    if (!path) continue;
    const bytes = await readFile(path);
    const span = spec.layers[1] - spec.layers[0];
    const floats = bytes.byteLength / 4;
    if (bytes.byteLength % 4 !== 0 || (floats !== width && floats !== span * width)) {
      problems.push(
        `direction ${spec.name}: "${spec.file}" holds ${bytes.byteLength} bytes; expected ${width * 4} ([${width}] float32) or ${span * width * 4} ([${span}, ${width}] float32)`,
      );
      continue;
    }
    const raw = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    if (!raw.every(Number.isFinite)) {
      problems.push(`direction ${spec.name}: "${spec.file}" contains NaN or infinite values`);
      continue;
    }
    const values = new Float32Array(span * width);
    for (let l = 0; l < span; l += 1) values.set(floats === width ? raw : raw.subarray(l * width, (l + 1) * width), l * width);
    loaded.push({ ...spec, values });
  }
  return loaded;
}

/** One real run of each model on a neutral input: a pack whose graph yields NaN or the wrong shape fails here, not mid-job. */
async function probe(pack: GeneratorPack): Promise<string[]> {
  const problems: string[] = [];
  const size = pack.inputSize;
  const grey = { size, data: new Float32Array(3 * size * size).fill(0.5) };
  let latent;
  try {
    [latent] = await pack.encode([grey]);
    if (latent.data.length !== pack.latentLayers * pack.latentWidth) {
      problems.push(`encoder: probe output has ${latent.data.length} values, expected ${pack.latentLayers}x${pack.latentWidth}`);
    } else if (!latent.data.every(Number.isFinite)) {
      problems.push('encoder: probe run on a grey image produced NaN or infinite values');
    }
  } catch (error) {
    problems.push(`encoder: probe run failed: ${(error as Error).message}`);
  }
  if (pack.hasMapping) {
    try {
      const z = new Float32Array(pack.mappingInputWidth).map((_, i) => Math.sin(i + 1));
      const [w] = await pack.map([z]);
      if (!w.data.every(Number.isFinite)) problems.push('mapping: probe run produced NaN or infinite values');
    } catch (error) {
      problems.push(`mapping: probe run failed: ${(error as Error).message}`);
    }
  }
  if (latent && problems.length === 0) {
    try {
      const [image] = await pack.synthesize([latent]);
      const expected = 3 * pack.outputSize * pack.outputSize;
      if (image.data.length !== expected) {
        problems.push(`synthesis: probe output has ${image.data.length} values, expected 3x${pack.outputSize}x${pack.outputSize}`);
      } else if (!image.data.every(Number.isFinite)) {
        problems.push('synthesis: probe run produced NaN or infinite values');
      }
    } catch (error) {
      problems.push(`synthesis: probe run failed: ${(error as Error).message}`);
    }
  }
  return problems;
}

function show(dims: readonly unknown[]): string {
  return `[${dims.join(', ')}]`;
}

import { basename } from 'node:path';
import * as ort from 'onnxruntime-node';
import { readTorchCheckpoint } from '../checkpoints/torch-checkpoint.ts';
import { yieldToEventLoop } from '../../core/event-loop.ts';
import type { EditKind, PartSpec } from '../packs/pack-manifest.ts';
import { readDirectionFile } from './direction-file.ts';
import { writePack, type UnhashedManifest } from '../packs/pack-writer.ts';
import { SeededRandom } from '../../core/seeded-random.ts';
import { buildAverageLatentEncoder, buildMappingModel, buildSynthesisModel } from './stylegan2-onnx.ts';
import { stylegan2FromCheckpoint, type Stylegan2 } from './stylegan2-weights.ts';

export interface ImportOptions {
  /** Truncation ψ baked into the mapping graph (w = w_avg + ψ (w − w_avg)). */
  readonly truncation?: number;
  readonly noise?: 'const' | 'none';
  readonly name?: string;
  readonly license?: string;
  /** InterFaceGAN-style directions to ship in the pack (.npy or raw float32). */
  readonly directions?: readonly DirectionImport[];
  readonly onProgress?: (step: string, done: number, total: number) => void;
}

export interface DirectionImport {
  readonly name: string;
  readonly file: string;
  /** Default: coarse and middle layers [0, 8), where InterFaceGAN's attributes live. */
  readonly layers?: readonly [number, number];
  readonly edit?: EditKind;
  /** Latent step strength 1 stands for; InterFaceGAN boundaries are unit normals, so 1. */
  readonly scale?: number;
}

export interface ImportResult {
  readonly dir: string;
  readonly format: Stylegan2['format'];
  readonly resolution: number;
  readonly numWs: number;
  readonly wAvgSource: 'checkpoint' | 'estimated';
  readonly parts: readonly PartSpec[];
}

const STEPS = 5;
/** Samples averaged for w_avg when a training checkpoint lacks it (rosinality's mean_latent uses 4096). */
const W_AVG_SAMPLES = 4096;

/**
 * Converts a StyleGAN2 checkpoint (rosinality `.pt` or NVIDIA `.pkl`) into a generator pack:
 * mapping and synthesis as ONNX graphs, an average-latent encoder (inversion then comes from
 * refinement), and coarse / middle / fine parts for style mixing.
 */
export async function importStylegan2(checkpointPath: string, outDir: string, options: ImportOptions = {}): Promise<ImportResult> {
  const progress = options.onProgress ?? (() => undefined);
  const truncation = options.truncation ?? 0.7;
  if (!(truncation > 0 && truncation <= 1)) throw new Error(`truncation must be in (0, 1], got ${truncation}`);

  progress('reading checkpoint', 0, STEPS);
  const root = await readTorchCheckpoint(checkpointPath);
  progress('converting weights', 1, STEPS);
  const model = stylegan2FromCheckpoint(root, checkpointPath);
  const directions = await Promise.all(
    (options.directions ?? []).map(async (d) => {
      const layers = d.layers ?? [0, Math.min(8, model.numWs)];
      if (!(layers[0] >= 0 && layers[1] > layers[0] && layers[1] <= model.numWs)) {
        throw new Error(
          `direction ${d.name}: layers [${layers[0]}, ${layers[1]}) must lie inside the generator's ${model.numWs} W+ layers`,
        );
      }
      return { ...d, layers, vector: await readDirectionFile(d.file, model.wDim, layers[1] - layers[0]) };
    }),
  );
  const wAvgSource = model.wAvg ? 'checkpoint' : 'estimated';
  const wAvg = model.wAvg ?? (await estimateWAvg(model));
  const parts = await writeStylegan2Pack({ ...model, wAvg }, outDir, {
    ...options,
    truncation,
    sourceName: basename(checkpointPath),
    wAvgNote: wAvgSource === 'checkpoint' ? 'from the checkpoint' : `estimated from ${W_AVG_SAMPLES} mapped samples`,
    directions,
    onProgress: progress,
  });
  progress('done', STEPS, STEPS);
  return { dir: outDir, format: model.format, resolution: model.resolution, numWs: model.numWs, wAvgSource, parts };
}

export interface PackOptions {
  readonly truncation: number;
  readonly noise?: 'const' | 'none';
  readonly name?: string;
  readonly license?: string;
  /** The checkpoint's file name, shown in the pack's name and description. */
  readonly sourceName: string;
  readonly wAvgNote: string;
  readonly directions?: readonly (DirectionImport & { readonly layers: readonly [number, number]; readonly vector: Float32Array })[];
  readonly onProgress?: (step: string, done: number, total: number) => void;
}

/** Writes a converted generator as a pack (graphs, average-latent encoder, parts); returns the parts. */
export async function writeStylegan2Pack(
  model: Stylegan2 & { wAvg: Float32Array },
  outDir: string,
  options: PackOptions,
): Promise<PartSpec[]> {
  const noise = options.noise ?? 'const';

  options.onProgress?.('building mapping graph', 2, STEPS);
  const mapping = buildMappingModel(model, { truncation: options.truncation });
  await yieldToEventLoop();
  options.onProgress?.('building synthesis graph', 3, STEPS);
  const synthesis = buildSynthesisModel(model, { noise });
  await yieldToEventLoop();
  const alignment = Math.min(model.resolution, 256);
  const encoder = buildAverageLatentEncoder(model, model.wAvg, alignment);

  options.onProgress?.('writing pack', 4, STEPS);
  const { numWs, wDim, resolution, zDim } = model;
  const parts = partsFor(numWs);
  const manifest: UnhashedManifest = {
    format: 'likeness-generator-pack/1',
    name: options.name ?? `StyleGAN2 ${resolution}px (${options.sourceName})`,
    version: '1.0.0',
    description:
      `Imported from ${options.sourceName} (${model.format === 'nvidia' ? 'NVIDIA stylegan2-ada-pytorch snapshot' : 'rosinality stylegan2-pytorch checkpoint'}). ` +
      `Mapping truncation ψ = ${options.truncation}; noise: ${noise}; w_avg ${options.wAvgNote}. ` +
      'No encoder: faces start at w_avg and are inverted by refinement.',
    license: options.license ?? 'as the checkpoint (see models/README.md)',
    alignment: { template: 'generator', size: alignment },
    range: '-1..1',
    compose: 'direct',
    encoder: {
      file: 'encoder.onnx',
      input: { name: 'image', shape: ['batch', 3, alignment, alignment] },
      output: { name: 'w_plus', shape: ['batch', numWs, wDim] },
    },
    mapping: { file: 'mapping.onnx', input: { name: 'z', shape: ['batch', zDim] }, output: { name: 'w', shape: ['batch', wDim] } },
    synthesis: {
      file: 'synthesis.onnx',
      input: { name: 'w_plus', shape: ['batch', numWs, wDim] },
      output: { name: 'image', shape: ['batch', 3, resolution, resolution] },
    },
    parts,
    directions: (options.directions ?? []).map((d) => ({
      name: d.name,
      file: `directions/${d.name}.f32`,
      layers: [d.layers[0], d.layers[1]],
      edit: d.edit ?? 'attribute',
      scale: d.scale ?? 1,
      label: d.name.replace(/_/g, ' '),
    })),
  };
  const files = new Map<string, Uint8Array>([
    ['encoder.onnx', encoder],
    ['mapping.onnx', mapping],
    ['synthesis.onnx', synthesis],
  ]);
  for (const d of options.directions ?? [])
    files.set(`directions/${d.name}.f32`, new Uint8Array(d.vector.buffer, d.vector.byteOffset, d.vector.byteLength));
  await writePack(outDir, manifest, files);
  return parts;
}

/** StyleGAN's usual split of W+: coarse (4–8 px: pose, shape), middle (16–32 px: features), fine (the rest: colour, light). */
export function partsFor(numWs: number): PartSpec[] {
  const parts: PartSpec[] = [
    { name: 'coarse', layers: [0, Math.min(4, numWs)], edit: 'attribute', label: 'Face shape, pose (style mixing)' },
  ];
  if (numWs > 4)
    parts.push({ name: 'middle', layers: [4, Math.min(8, numWs)], edit: 'expression', label: 'Features, expression, hair style' });
  if (numWs > 8) parts.push({ name: 'fine', layers: [8, numWs], edit: 'relight', label: 'Colour, lighting, micro-texture' });
  return parts;
}

/**
 * The mean of mapped random z (no truncation), for checkpoints that do not carry w_avg — what
 * rosinality's mean_latent(4096) computes. The mapping graph runs in-process: one short run on
 * bytes in memory (about 9 GFLOPs), before the pack exists for the shared worker to load.
 */
async function estimateWAvg(model: Stylegan2): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(buildMappingModel(model, { truncation: 1 }), { intraOpNumThreads: 1 });
  try {
    const random = new SeededRandom(2020);
    const sum = new Float64Array(model.wDim);
    const batch = 512;
    for (let start = 0; start < W_AVG_SAMPLES; start += batch) {
      const z = Float32Array.from({ length: batch * model.zDim }, () => random.normal());
      const { w } = await session.run({ z: new ort.Tensor('float32', z, [batch, model.zDim]) });
      const data = w!.data as Float32Array;
      for (let i = 0; i < data.length; i += 1) sum[i % model.wDim] += data[i]!;
      await yieldToEventLoop();
    }
    return Float32Array.from(sum, (v) => v / W_AVG_SAMPLES);
  } finally {
    await session.release();
  }
}

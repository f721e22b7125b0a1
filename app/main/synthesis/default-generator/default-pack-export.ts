import type { AppearanceModel } from './appearance-model.ts';
import { DEFAULT_PACK_DESCRIPTION } from './default-pack-layout.ts';
import { yieldToEventLoop } from '../../core/event-loop.ts';
import { encodeModel, floatTensor, int64Tensor, node } from '../../onnx/onnx-builder.ts';
import { writePack, type UnhashedManifest } from '../packs/pack-writer.ts';

export const DEFAULT_PACK_NAME = 'Likeness default generator';
export const DEFAULT_PACK_VERSION = '1.0.0';

/**
 * Writes a fitted appearance model as an ordinary generator pack: the encoder is one MatMul + Add
 * (the least-squares projection), the synthesis one MatMul + Add (mean + basis · code). From here
 * on it is loaded, validated and run exactly like a StyleGAN pack.
 */
export async function exportDefaultPack(dir: string, model: AppearanceModel): Promise<void> {
  const size = model.outputSize;
  const pixels = 3 * size * size;
  const layers = model.layers.length;
  const width = model.width;
  const latent = layers * width;

  const synthesisWeights = new Float32Array(latent * pixels);
  model.layers.forEach((layer, l) => layer.basis.forEach((vector, j) => synthesisWeights.set(vector, (l * width + j) * pixels)));
  // The encoder stores the projection transposed ([pixels, latent]) so a row-vector image multiplies it directly.
  const encoderWeights = new Float32Array(pixels * latent);
  for (let d = 0; d < latent; d += 1) {
    const row = model.encoder.subarray(d * pixels, (d + 1) * pixels);
    for (let j = 0; j < pixels; j += 1) encoderWeights[j * latent + d] = row[j];
    // The strided writes make this the slowest loop here: the host answers calls between rows.
    await yieldToEventLoop();
  }

  const encoder = encodeModel({
    name: 'appearance_encoder',
    inputs: [{ name: 'image', dims: ['batch', 3, size, size] }],
    outputs: [{ name: 'latent', dims: ['batch', layers, width] }],
    initializers: [
      int64Tensor('flat_shape', [-1, pixels]),
      floatTensor('projection', [pixels, latent], encoderWeights),
      floatTensor('offset', [latent], model.encoderBias),
      int64Tensor('latent_shape', [-1, layers, width]),
    ],
    nodes: [
      node('Reshape', ['image', 'flat_shape'], ['flat']),
      node('MatMul', ['flat', 'projection'], ['projected']),
      node('Add', ['projected', 'offset'], ['codes']),
      node('Reshape', ['codes', 'latent_shape'], ['latent']),
    ],
  });
  await yieldToEventLoop();
  const synthesis = encodeModel({
    name: 'appearance_synthesis',
    inputs: [{ name: 'latent', dims: ['batch', layers, width] }],
    outputs: [{ name: 'image', dims: ['batch', 3, size, size] }],
    initializers: [
      int64Tensor('flat_shape', [-1, latent]),
      floatTensor('basis', [latent, pixels], synthesisWeights),
      floatTensor('mean', [pixels], model.mean),
      int64Tensor('image_shape', [-1, 3, size, size]),
    ],
    nodes: [
      node('Reshape', ['latent', 'flat_shape'], ['codes']),
      node('MatMul', ['codes', 'basis'], ['appearance']),
      node('Add', ['appearance', 'mean'], ['pixels']),
      node('Reshape', ['pixels', 'image_shape'], ['image']),
    ],
  });

  const files = new Map<string, Uint8Array>([
    ['encoder.onnx', encoder],
    ['synthesis.onnx', synthesis],
  ]);
  const directions: NonNullable<UnhashedManifest['directions']> = model.directions.map((d) => {
    const file = `directions/${d.name}.f32`;
    files.set(file, new Uint8Array(d.vector.buffer, d.vector.byteOffset, d.vector.byteLength));
    return { name: d.name, file, layers: [d.layer, d.layer + 1], edit: d.edit, scale: d.scale, label: d.label };
  });
  const manifest: UnhashedManifest = {
    format: 'likeness-generator-pack/1',
    name: DEFAULT_PACK_NAME,
    version: DEFAULT_PACK_VERSION,
    description: `${DEFAULT_PACK_DESCRIPTION} Fitted on ${model.fittedFaces} faces of ${model.fittedIdentities} identities.`,
    license: 'derived from the project’s own images',
    alignment: { template: 'generator', size },
    range: '0..1',
    compose: 'residual',
    encoder: {
      file: 'encoder.onnx',
      input: { name: 'image', shape: ['batch', 3, size, size] },
      output: { name: 'latent', shape: ['batch', layers, width] },
    },
    synthesis: {
      file: 'synthesis.onnx',
      input: { name: 'latent', shape: ['batch', layers, width] },
      output: { name: 'image', shape: ['batch', 3, size, size] },
    },
    parts: model.layers.map((layer, l) => ({ name: layer.name, layers: [l, l + 1], edit: layer.edit, label: layer.label })),
    directions,
  };
  await writePack(dir, manifest, files);
}

import { encodeModel, floatAttribute, floatTensor, int64Tensor, node } from '../../onnx/onnx-builder.ts';
import { writePack, type UnhashedManifest } from '../packs/pack-writer.ts';
import { SeededRandom } from '../../core/seeded-random.ts';

/**
 * A pack with StyleGAN's tensor names and layouts (encoder image → W+ [batch, layers, width],
 * mapping z → w, synthesis W+ → image in -1..1, InterFaceGAN-style directions) at toy sizes with
 * fixed random weights: it exercises the real-pack code path without any real weights.
 */
export interface StyleganShape {
  readonly size: number;
  readonly layers: number;
  readonly width: number;
  readonly zWidth: number;
  /** A fixed batch size the graphs and pack.json declare; absent, the batch is dynamic ('batch'). */
  readonly batch?: number;
}

export const tinyStyleganShape: StyleganShape = { size: 32, layers: 18, width: 16, zWidth: 16 };

export interface StyleganPackOverrides {
  /** Replace pieces of the manifest after it is built (for broken-pack tests). */
  readonly manifest?: (manifest: UnhashedManifest) => UnhashedManifest;
  /** Replace or add files before writing (a model that yields NaN, say). */
  readonly files?: (files: Map<string, Uint8Array>) => Map<string, Uint8Array>;
}

export async function writeStyleganShapedPack(
  dir: string,
  shape = tinyStyleganShape,
  overrides: StyleganPackOverrides = {},
): Promise<void> {
  const { size, layers, width, zWidth } = shape;
  const batch = shape.batch ?? 'batch';
  const pixels = 3 * size * size;
  const latent = layers * width;
  const random = new SeededRandom(1234);
  const weights = (rows: number, cols: number): Float32Array => {
    const w = new Float32Array(rows * cols);
    const scale = 1 / Math.sqrt(rows);
    for (let i = 0; i < w.length; i += 1) w[i] = random.normal() * scale;
    return w;
  };

  const encoder = encodeModel({
    name: 'encoder',
    inputs: [{ name: 'image', dims: [batch, 3, size, size] }],
    outputs: [{ name: 'w_plus', dims: [batch, layers, width] }],
    initializers: [
      int64Tensor('flat_shape', [-1, pixels]),
      floatTensor('enc_w', [pixels, latent], weights(pixels, latent)),
      int64Tensor('latent_shape', [-1, layers, width]),
    ],
    nodes: [
      node('Reshape', ['image', 'flat_shape'], ['flat']),
      node('MatMul', ['flat', 'enc_w'], ['codes']),
      node('Tanh', ['codes'], ['codes_t']),
      node('Reshape', ['codes_t', 'latent_shape'], ['w_plus']),
    ],
  });
  const mapping = encodeModel({
    name: 'mapping',
    inputs: [{ name: 'z', dims: [batch, zWidth] }],
    outputs: [{ name: 'w', dims: [batch, width] }],
    initializers: [
      floatTensor('map_w1', [zWidth, width], weights(zWidth, width)),
      floatTensor('map_w2', [width, width], weights(width, width)),
    ],
    nodes: [
      node('MatMul', ['z', 'map_w1'], ['h']),
      node('LeakyRelu', ['h'], ['h_act'], [floatAttribute('alpha', 0.2)]),
      node('MatMul', ['h_act', 'map_w2'], ['w']),
    ],
  });
  const synthesis = encodeModel({
    name: 'synthesis',
    inputs: [{ name: 'w_plus', dims: [batch, layers, width] }],
    outputs: [{ name: 'image', dims: [batch, 3, size, size] }],
    initializers: [
      int64Tensor('flat_shape', [-1, latent]),
      floatTensor('syn_w', [latent, pixels], weights(latent, pixels)),
      int64Tensor('image_shape', [-1, 3, size, size]),
    ],
    nodes: [
      node('Reshape', ['w_plus', 'flat_shape'], ['flat']),
      node('MatMul', ['flat', 'syn_w'], ['pixels']),
      node('Tanh', ['pixels'], ['pixels_t']),
      node('Reshape', ['pixels_t', 'image_shape'], ['image']),
    ],
  });
  const unit = (n: number): Float32Array => {
    const v = weights(n, 1);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };

  const base: UnhashedManifest = {
    format: 'likeness-generator-pack/1',
    name: 'stylegan-shaped test pack',
    version: '1.0.0',
    alignment: { template: 'generator', size },
    range: '-1..1',
    compose: 'direct',
    encoder: {
      file: 'encoder.onnx',
      input: { name: 'image', shape: [batch, 3, size, size] },
      output: { name: 'w_plus', shape: [batch, layers, width] },
    },
    mapping: { file: 'mapping.onnx', input: { name: 'z', shape: [batch, zWidth] }, output: { name: 'w', shape: [batch, width] } },
    synthesis: {
      file: 'synthesis.onnx',
      input: { name: 'w_plus', shape: [batch, layers, width] },
      output: { name: 'image', shape: [batch, 3, size, size] },
    },
    parts: [{ name: 'fine_style', layers: [8, layers], edit: 'relight' }],
    directions: [
      { name: 'smile', file: 'directions/smile.f32', layers: [4, 6], edit: 'expression', scale: 2 },
      { name: 'age', file: 'directions/age.f32', layers: [0, 8], edit: 'attribute', scale: 3 },
    ],
  };
  const files = new Map<string, Uint8Array>([
    ['encoder.onnx', encoder],
    ['mapping.onnx', mapping],
    ['synthesis.onnx', synthesis],
    ['directions/smile.f32', bytesOf(unit(width))],
    ['directions/age.f32', bytesOf(unit(width))],
  ]);
  await writePack(dir, overrides.manifest ? overrides.manifest(base) : base, overrides.files ? overrides.files(files) : files);
}

function bytesOf(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

import onnxProto, { type onnx } from 'onnx-proto';
import { encodeModel, floatAttribute, floatTensor, int64Tensor, node } from '../../onnx/onnx-builder.ts';
import type { DenseLayer, StyledConv, Stylegan2, ToRgb } from './stylegan2-weights.ts';

/**
 * StyleGAN2 as plain ONNX (opset 17), any batch size. Modulated convolution is written the
 * "non-fused" way, which is exact and keeps the weights shared across the batch:
 *   conv(x · s, W) · d,   d[b, o] = 1 / √(Σᵢ s[b, i]² · Σₖ W[o, i, k]² + 1e-8)
 * so every Conv has a fixed weight and the style and demodulation are per-sample scalings.
 */

const INT64 = onnxProto.onnx.TensorProto.DataType.INT64;

class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  #count = 0;
  readonly #scalars = new Map<string, string>();

  name(prefix: string): string {
    this.#count += 1;
    return `${prefix}_${this.#count}`;
  }

  constant(prefix: string, dims: readonly number[], values: Float32Array): string {
    const name = this.name(prefix);
    this.initializers.push(floatTensor(name, dims, values));
    return name;
  }

  scalar(value: number): string {
    const key = String(value);
    let name = this.#scalars.get(key);
    if (!name) {
      name = this.constant('scalar', [], Float32Array.of(value));
      this.#scalars.set(key, name);
    }
    return name;
  }

  shape(values: readonly number[]): string {
    const name = this.name('shape');
    this.initializers.push(int64Tensor(name, values));
    return name;
  }

  index(value: number): string {
    const name = this.name('index');
    this.initializers.push({ name, dims: [], dataType: INT64, int64Data: [value] });
    return name;
  }

  op(opType: string, inputs: readonly string[], attributes: onnx.IAttributeProto[] = []): string {
    const out = this.name(opType.toLowerCase());
    this.nodes.push(node(opType, inputs, [out], attributes));
    return out;
  }

  /** x · Wᵀ + b for a [batch, in] input. */
  dense(x: string, layer: DenseLayer): string {
    const transposed = new Float32Array(layer.inFeatures * layer.outFeatures);
    for (let o = 0; o < layer.outFeatures; o += 1) {
      for (let i = 0; i < layer.inFeatures; i += 1) transposed[i * layer.outFeatures + o] = layer.weight[o * layer.inFeatures + i]!;
    }
    const product = this.op('MatMul', [x, this.constant('dense_w', [layer.inFeatures, layer.outFeatures], transposed)]);
    return this.op('Add', [product, this.constant('dense_b', [layer.outFeatures], layer.bias)]);
  }

  leakyRelu(x: string, gain: number): string {
    return this.op('Mul', [this.op('LeakyRelu', [x], [floatAttribute('alpha', 0.2)]), this.scalar(gain)]);
  }

  clamp(x: string, limit: number | null): string {
    return limit === null ? x : this.op('Clip', [x, this.scalar(-limit), this.scalar(limit)]);
  }

  /** [batch, C] → [batch, C, 1, 1], to scale feature maps per sample and channel. */
  perChannel(x: string, channels: number): string {
    return this.op('Reshape', [x, this.shape([-1, channels, 1, 1])]);
  }
}

function ints(name: string, values: readonly number[]): onnx.IAttributeProto {
  return { name, type: onnxProto.onnx.AttributeProto.AttributeType.INTS, ints: [...values] };
}

function int(name: string, value: number): onnx.IAttributeProto {
  return { name, type: onnxProto.onnx.AttributeProto.AttributeType.INT, i: value };
}

/** A depthwise kernel repeated over `channels`: [channels, 1, k, k]. */
function depthwise(kernel: Float32Array, size: number, channels: number): Float32Array {
  const out = new Float32Array(channels * size * size);
  for (let c = 0; c < channels; c += 1) out.set(kernel, c * size * size);
  return out;
}

export interface MappingOptions {
  /** Truncation toward w_avg: w = w_avg + ψ (w − w_avg); 1 (or no w_avg) leaves w as mapped. */
  readonly truncation: number;
}

/** z [batch, zDim] → w [batch, wDim]. */
export function buildMappingModel(model: Stylegan2, options: MappingOptions): Uint8Array {
  const g = new GraphBuilder();
  const squared = g.op('Mul', ['z', 'z']);
  const meanSquare = g.op('ReduceMean', [squared], [ints('axes', [1]), int('keepdims', 1)]);
  const inverseNorm = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [meanSquare, g.scalar(1e-8)])])]);
  let x = g.op('Mul', ['z', inverseNorm]);
  for (const layer of model.mapping) x = g.leakyRelu(g.dense(x, layer), Math.SQRT2);
  if (model.wAvg && options.truncation !== 1) {
    const avg = g.constant('w_avg', [model.wDim], model.wAvg);
    x = g.op('Add', [avg, g.op('Mul', [g.op('Sub', [x, avg]), g.scalar(options.truncation)])]);
  }
  g.nodes.push(node('Identity', [x], ['w']));
  return encodeModel({
    name: 'stylegan2_mapping',
    inputs: [{ name: 'z', dims: ['batch', model.zDim] }],
    outputs: [{ name: 'w', dims: ['batch', model.wDim] }],
    nodes: g.nodes,
    initializers: g.initializers,
  });
}

export interface SynthesisOptions {
  /** 'const': the checkpoint's fixed noise buffers (what NVIDIA's noise_mode='const' uses); 'none': zero. */
  readonly noise: 'const' | 'none';
}

/** W+ [batch, numWs, wDim] → image [batch, 3, R, R] in −1‥1 (unclamped, as the generator makes it). */
export function buildSynthesisModel(model: Stylegan2, options: SynthesisOptions): Uint8Array {
  const g = new GraphBuilder();
  const rows = new Map<number, string>();
  const wRow = (index: number): string => {
    let row = rows.get(index);
    if (!row) {
      row = g.op('Gather', ['w_plus', g.index(index)], [int('axis', 1)]);
      rows.set(index, row);
    }
    return row;
  };

  const styledConv = (x: string, layer: StyledConv): string => {
    const { inChannels: cin, outChannels: cout, kernel: k } = layer;
    const styles = g.dense(wRow(layer.wIndex), layer.affine);
    const modulated = g.op('Mul', [x, g.perChannel(styles, cin)]);
    let y: string;
    if (layer.blur) {
      const transposed = new Float32Array(layer.weight.length);
      for (let o = 0; o < cout; o += 1) {
        for (let i = 0; i < cin; i += 1)
          transposed.set(layer.weight.subarray((o * cin + i) * k * k, (o * cin + i + 1) * k * k), (i * cout + o) * k * k);
      }
      const up = g.op(
        'ConvTranspose',
        [modulated, g.constant('conv_t_w', [cin, cout, k, k], transposed)],
        [ints('strides', [2, 2]), ints('kernel_shape', [k, k])],
      );
      // The transposed conv gives 2R + k − 2 pixels; the blur pads so that 2R remain.
      const f = layer.blur.size;
      const p = f - 2 - (k - 1);
      const [pad0, pad1] = [Math.floor((p + 1) / 2) + 1, Math.floor(p / 2) + 1];
      y = g.op(
        'Conv',
        [up, g.constant('blur', [cout, 1, f, f], depthwise(layer.blur.kernel, f, cout))],
        [ints('pads', [pad0, pad0, pad1, pad1]), int('group', cout), ints('kernel_shape', [f, f])],
      );
    } else {
      y = g.op(
        'Conv',
        [modulated, g.constant('conv_w', [cout, cin, k, k], layer.weight)],
        [ints('pads', Array(4).fill(Math.floor(k / 2))), ints('kernel_shape', [k, k])],
      );
    }
    const weightSquares = new Float32Array(cin * cout);
    for (let o = 0; o < cout; o += 1) {
      for (let i = 0; i < cin; i += 1) {
        let sum = 0;
        for (let j = 0; j < k * k; j += 1) sum += layer.weight[(o * cin + i) * k * k + j]! ** 2;
        weightSquares[i * cout + o] = sum;
      }
    }
    const energy = g.op('MatMul', [g.op('Mul', [styles, styles]), g.constant('w_sq', [cin, cout], weightSquares)]);
    const demod = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [energy, g.scalar(1e-8)])])]);
    y = g.op('Mul', [y, g.perChannel(demod, cout)]);
    if (layer.noise && options.noise === 'const')
      y = g.op('Add', [y, g.constant('noise', [1, 1, layer.resolution, layer.resolution], layer.noise)]);
    y = g.op('Add', [y, g.constant('bias', [1, cout, 1, 1], layer.bias)]);
    return g.clamp(g.leakyRelu(y, layer.gain), layer.clamp);
  };

  const toRgb = (x: string, layer: ToRgb, skip: string | null): string => {
    const styles = g.dense(wRow(layer.wIndex), layer.affine);
    const modulated = g.op('Mul', [x, g.perChannel(styles, layer.inChannels)]);
    let y = g.op('Conv', [modulated, g.constant('rgb_w', [3, layer.inChannels, 1, 1], layer.weight)], [ints('kernel_shape', [1, 1])]);
    y = g.clamp(g.op('Add', [y, g.constant('rgb_b', [1, 3, 1, 1], layer.bias)]), layer.clamp);
    if (skip === null) return y;
    if (!layer.skipUpsample) throw new Error('a ToRGB after the first block needs its skip upsampling filter');
    const f = layer.skipUpsample.size;
    // upfirdn2d(up 2, pad ((f−1)//2 + 1, (f−2)//2)) is a stride-2 transposed conv with the same kernel.
    const begin = f - 1 - (Math.floor((f - 1) / 2) + 1);
    const end = f - 2 - begin;
    const upsampled = g.op(
      'ConvTranspose',
      [skip, g.constant('skip_up', [3, 1, f, f], depthwise(layer.skipUpsample.kernel, f, 3))],
      [ints('strides', [2, 2]), ints('pads', [begin, begin, end, end]), int('group', 3), ints('kernel_shape', [f, f])],
    );
    return g.op('Add', [upsampled, y]);
  };

  let x = g.constant('const_input', [1, model.constChannels, 4, 4], model.constInput);
  let image: string | null = null;
  let conv = 0;
  for (const rgb of model.toRgbs) {
    const blockConvs = image === null ? 1 : 2;
    for (let c = 0; c < blockConvs; c += 1) x = styledConv(x, model.convs[conv++]!);
    image = toRgb(x, rgb, image);
  }
  if (conv !== model.convs.length)
    throw new Error(`synthesis has ${model.convs.length} convolutions but ${model.toRgbs.length} ToRGB layers`);
  g.nodes.push(node('Identity', [image!], ['image']));
  return encodeModel({
    name: 'stylegan2_synthesis',
    inputs: [{ name: 'w_plus', dims: ['batch', model.numWs, model.wDim] }],
    outputs: [{ name: 'image', dims: ['batch', 3, model.resolution, model.resolution] }],
    nodes: g.nodes,
    initializers: g.initializers,
  });
}

/**
 * The encoder role without an encoder: every face starts at w_avg on every layer, and the
 * project's gradient-free refinement moves it toward the photo.
 */
export function buildAverageLatentEncoder(model: Stylegan2, wAvg: Float32Array, size: number): Uint8Array {
  const g = new GraphBuilder();
  const tiled = new Float32Array(model.numWs * model.wDim);
  for (let l = 0; l < model.numWs; l += 1) tiled.set(wAvg, l * model.wDim);
  // Zero times the image's mean gives a [batch] zero that carries the batch size into the output.
  const zero = g.op('Mul', [g.op('ReduceMean', ['image'], [ints('axes', [1, 2, 3]), int('keepdims', 0)]), g.scalar(0)]);
  const perSample = g.op('Reshape', [zero, g.shape([-1, 1, 1])]);
  g.nodes.push(node('Add', [perSample, g.constant('w_avg_plus', [1, model.numWs, model.wDim], tiled)], ['w_plus']));
  return encodeModel({
    name: 'stylegan2_average_latent_encoder',
    inputs: [{ name: 'image', dims: ['batch', 3, size, size] }],
    outputs: [{ name: 'w_plus', dims: ['batch', model.numWs, model.wDim] }],
    nodes: g.nodes,
    initializers: g.initializers,
  });
}

import { CheckpointTensor } from '../checkpoints/checkpoint-tensor.ts';
import type { PersistentRecord } from '../checkpoints/torch-checkpoint.ts';

/**
 * One StyleGAN2 generator in a form both checkpoint formats reduce to: every gain folded into the
 * weights it multiplies, FIR filters as the kernels the graph applies, noise as fixed buffers.
 */

export type StyleganFormat = 'rosinality' | 'nvidia';

/** y = x · weightᵀ + bias, weight [out, in] with the equalized-lr gain already applied. */
export interface DenseLayer {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Float32Array;
  readonly bias: Float32Array;
}

export interface StyledConv {
  /** Row of W+ this layer's style comes from. */
  readonly wIndex: number;
  readonly resolution: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: number;
  /** w → per-input-channel style. */
  readonly affine: DenseLayer;
  /** [out, in, k, k]; its scale does not matter (demodulation normalises it). */
  readonly weight: Float32Array;
  /** Up layers: transposed conv (stride 2), then this [4·4] correlation kernel (gain included), padded 1. */
  readonly blur: { readonly size: number; readonly kernel: Float32Array } | null;
  /** [resolution²], already times the layer's noise strength; null: no noise. */
  readonly noise: Float32Array | null;
  readonly bias: Float32Array;
  /** leaky-ReLU(0.2) output gain (√2). */
  readonly gain: number;
  readonly clamp: number | null;
}

export interface ToRgb {
  readonly wIndex: number;
  readonly inChannels: number;
  /** w → per-input-channel style, the 1/√fan-in weight gain folded in. */
  readonly affine: DenseLayer;
  /** [3, in] */
  readonly weight: Float32Array;
  readonly bias: Float32Array;
  readonly clamp: number | null;
  /** Upsampling of the incoming skip image: a stride-2 transposed conv with this [k·k] kernel, padded 1. */
  readonly skipUpsample: { readonly size: number; readonly kernel: Float32Array } | null;
}

export interface Stylegan2 {
  readonly format: StyleganFormat;
  readonly resolution: number;
  readonly numWs: number;
  readonly zDim: number;
  readonly wDim: number;
  /** Each layer is followed by leaky-ReLU(0.2)·√2; z is normalised to unit second moment first. */
  readonly mapping: readonly DenseLayer[];
  /** The average w, the truncation centre; null when the checkpoint has none. */
  readonly wAvg: Float32Array | null;
  /** [channels, 4, 4] */
  readonly constInput: Float32Array;
  readonly constChannels: number;
  readonly convs: readonly StyledConv[];
  readonly toRgbs: readonly ToRgb[];
}

export class StyleganFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StyleganFormatError';
  }
}

const SQRT2 = Math.SQRT2;

/** Tells the two layouts apart and converts; anything else gets a message that says what was found. */
export function stylegan2FromCheckpoint(root: unknown, source: string): Stylegan2 {
  if (root instanceof Map) {
    const gEma = root.get('G_ema');
    if (isRecord(gEma)) return fromNvidia(gEma, source);
    if (gEma !== undefined) throw new StyleganFormatError(`${source}: G_ema is not a torch_utils.persistence module record`);
    const stateDict = root.get('g_ema') ?? (root.has('style.1.weight') ? root : undefined);
    if (stateDict instanceof Map) return fromRosinality(stateDict, root.get('latent_avg'), source);
    const keys = [...root.keys()].slice(0, 8).map(String).join(', ');
    throw new StyleganFormatError(`${source}: neither an NVIDIA snapshot (G_ema) nor a rosinality checkpoint (g_ema); it holds: ${keys}`);
  }
  throw new StyleganFormatError(`${source}: the checkpoint is not a dict of networks`);
}

function isRecord(value: unknown): value is PersistentRecord {
  return typeof value === 'object' && value !== null && (value as PersistentRecord).kind === 'persistent';
}

function tensorFrom(map: Map<unknown, unknown>, key: string, source: string, shape?: readonly (number | null)[]): CheckpointTensor {
  const value = map.get(key);
  if (!(value instanceof CheckpointTensor)) throw new StyleganFormatError(`${source}: "${key}" is missing or not a tensor`);
  if (shape && (shape.length !== value.shape.length || shape.some((d, i) => d !== null && d !== value.shape[i]))) {
    throw new StyleganFormatError(
      `${source}: "${key}" has shape [${value.shape.join(', ')}], expected [${shape.map((d) => d ?? '*').join(', ')}]`,
    );
  }
  return value;
}

function scaled(values: Float32Array, by: number): Float32Array {
  return by === 1 ? values : values.map((v) => v * by);
}

/** Transposed-conv kernel and blur kernel from an upfirdn2d filter f (its gain included): blur correlates with flip(f). */
function flipped(kernel: Float32Array, size: number): Float32Array {
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y += 1) for (let x = 0; x < size; x += 1) out[y * size + x] = kernel[(size - 1 - y) * size + (size - 1 - x)]!;
  return out;
}

function squareFilter(tensor: CheckpointTensor, gain: number, what: string): { size: number; kernel: Float32Array } {
  const [h, w] = tensor.shape;
  if (tensor.shape.length !== 2 || h !== w)
    throw new StyleganFormatError(`${what}: FIR filter must be square 2-D, got [${tensor.shape.join(', ')}]`);
  return { size: h!, kernel: scaled(tensor.toFloat32(), gain) };
}

// ---------------------------------------------------------------- rosinality stylegan2-pytorch

/** rosinality's Generator fixes lr_mlp = 0.01 for the mapping's equalized learning rate. */
const ROSINALITY_MAPPING_LR_MUL = 0.01;

function fromRosinality(state: Map<unknown, unknown>, latentAvg: unknown, source: string): Stylegan2 {
  const t = (key: string, shape?: readonly (number | null)[]): CheckpointTensor => tensorFrom(state, key, source, shape);
  const constant = t('input.input', [1, null, 4, 4]);
  const wDim = t('conv1.conv.modulation.weight').shape[1]!;
  const mapping: DenseLayer[] = [];
  for (let i = 1; state.has(`style.${i}.weight`); i += 1) {
    const weight = t(`style.${i}.weight`, [null, null]);
    const [out, inF] = weight.shape as [number, number];
    mapping.push({
      inFeatures: inF,
      outFeatures: out,
      weight: scaled(weight.toFloat32(), ROSINALITY_MAPPING_LR_MUL / Math.sqrt(inF)),
      bias: scaled(t(`style.${i}.bias`, [out]).toFloat32(), ROSINALITY_MAPPING_LR_MUL),
    });
  }
  if (mapping.length === 0) throw new StyleganFormatError(`${source}: g_ema has no mapping layers (style.1.weight …)`);
  const modulation = (prefix: string, extraGain: number): DenseLayer => {
    const weight = t(`${prefix}.modulation.weight`, [null, wDim]);
    const out = weight.shape[0]!;
    return {
      inFeatures: wDim,
      outFeatures: out,
      weight: scaled(weight.toFloat32(), extraGain / Math.sqrt(wDim)),
      bias: scaled(t(`${prefix}.modulation.bias`, [out]).toFloat32(), extraGain),
    };
  };
  const noiseOf = (layer: string, index: number, resolution: number): Float32Array => {
    const strength = t(`${layer}.noise.weight`, [1]).toFloat32()[0]!;
    return scaled(t(`noises.noise_${index}`, [1, 1, resolution, resolution]).toFloat32(), strength);
  };
  const styledConv = (layer: string, wIndex: number, noiseIndex: number, resolution: number, up: boolean): StyledConv => {
    const weight = t(`${layer}.conv.weight`, [1, null, null, null, null]);
    const [, outChannels, inChannels, kernel] = weight.shape as [number, number, number, number, number];
    return {
      wIndex,
      resolution,
      inChannels,
      outChannels,
      kernel,
      affine: modulation(`${layer}.conv`, 1),
      weight: weight.toFloat32(),
      blur: up
        ? (({ size, kernel: k }) => ({ size, kernel: flipped(k, size) }))(squareFilter(t(`${layer}.conv.blur.kernel`), 1, layer))
        : null,
      noise: noiseOf(layer, noiseIndex, resolution),
      bias: t(`${layer}.activate.bias`, [outChannels]).toFloat32(),
      gain: SQRT2,
      clamp: null,
    };
  };
  const toRgb = (layer: string, wIndex: number, up: boolean): ToRgb => {
    const weight = t(`${layer}.conv.weight`, [1, 3, null, 1, 1]);
    const inChannels = weight.shape[2]!;
    return {
      wIndex,
      inChannels,
      affine: modulation(`${layer}.conv`, 1 / Math.sqrt(inChannels)),
      weight: weight.toFloat32(),
      bias: t(`${layer}.bias`, [1, 3, 1, 1]).toFloat32(),
      clamp: null,
      skipUpsample: up ? squareFilter(t(`${layer}.upsample.kernel`), 1, layer) : null,
    };
  };

  const convs: StyledConv[] = [styledConv('conv1', 0, 0, 4, false)];
  const toRgbs: ToRgb[] = [toRgb('to_rgb1', 1, false)];
  let resolution = 4;
  for (let block = 0; state.has(`convs.${2 * block}.conv.weight`); block += 1) {
    resolution *= 2;
    convs.push(styledConv(`convs.${2 * block}`, 1 + 2 * block, 1 + 2 * block, resolution, true));
    convs.push(styledConv(`convs.${2 * block + 1}`, 2 + 2 * block, 2 + 2 * block, resolution, false));
    toRgbs.push(toRgb(`to_rgbs.${block}`, 3 + 2 * block, true));
  }
  let wAvg: Float32Array | null = null;
  if (latentAvg instanceof CheckpointTensor) {
    wAvg = latentAvg.toFloat32();
    if (wAvg.length !== wDim) throw new StyleganFormatError(`${source}: latent_avg has ${wAvg.length} values, w has ${wDim}`);
  }
  return {
    format: 'rosinality',
    resolution,
    numWs: 2 * Math.log2(resolution) - 2,
    zDim: mapping[0]!.inFeatures,
    wDim,
    mapping,
    wAvg,
    constInput: constant.toFloat32(),
    constChannels: constant.shape[1]!,
    convs,
    toRgbs,
  };
}

// ---------------------------------------------------------------- NVIDIA stylegan2-ada-pytorch

function fromNvidia(generator: PersistentRecord, source: string): Stylegan2 {
  const child = (record: PersistentRecord, name: string): PersistentRecord => {
    const value = (record.state.get('_modules') as Map<unknown, unknown> | undefined)?.get(name);
    if (!isRecord(value)) throw new StyleganFormatError(`${source}: ${record.className} has no submodule "${name}"`);
    return value;
  };
  const hasChild = (record: PersistentRecord, name: string): boolean =>
    isRecord((record.state.get('_modules') as Map<unknown, unknown> | undefined)?.get(name));
  const tensor = (record: PersistentRecord, name: string, shape?: readonly (number | null)[]): CheckpointTensor => {
    for (const group of ['_parameters', '_buffers']) {
      const map = record.state.get(group) as Map<unknown, unknown> | undefined;
      if (map?.get(name) instanceof CheckpointTensor) return tensorFrom(map, name, `${source}: ${record.className}`, shape);
    }
    throw new StyleganFormatError(`${source}: ${record.className} has no tensor "${name}"`);
  };
  const number = (record: PersistentRecord, name: string, fallback?: number | null): number | null => {
    const value = record.state.get(name);
    if (typeof value === 'number') return value;
    if (value === null && fallback === null) return null;
    if (fallback !== undefined) return fallback;
    throw new StyleganFormatError(`${source}: ${record.className}.${name} is missing`);
  };
  const dense = (record: PersistentRecord, extraGain = 1): DenseLayer => {
    const weight = tensor(record, 'weight', [null, null]);
    const [out, inF] = weight.shape as [number, number];
    return {
      inFeatures: inF,
      outFeatures: out,
      weight: scaled(weight.toFloat32(), number(record, 'weight_gain')! * extraGain),
      bias: scaled(tensor(record, 'bias', [out]).toFloat32(), number(record, 'bias_gain')! * extraGain),
    };
  };

  if (generator.className !== 'Generator')
    throw new StyleganFormatError(`${source}: G_ema is a ${generator.className}, not a StyleGAN2 Generator`);
  if ((number(generator, 'c_dim', 0) ?? 0) > 0)
    throw new StyleganFormatError(`${source}: conditional generators (c_dim > 0) are not supported`);
  const mappingNet = child(generator, 'mapping');
  const synthesis = child(generator, 'synthesis');
  if (!hasChild(synthesis, 'b4'))
    throw new StyleganFormatError(`${source}: the synthesis network has no b4 block; StyleGAN3 (alias-free) generators are not supported`);
  const mapping: DenseLayer[] = [];
  for (let i = 0; hasChild(mappingNet, `fc${i}`); i += 1) {
    const fc = child(mappingNet, `fc${i}`);
    if (fc.state.get('activation') !== 'lrelu')
      throw new StyleganFormatError(`${source}: mapping fc${i} activation "${String(fc.state.get('activation'))}" is not lrelu`);
    mapping.push(dense(fc));
  }
  const wDim = number(generator, 'w_dim')!;
  const resolution = number(generator, 'img_resolution')!;
  if (number(generator, 'img_channels') !== 3) throw new StyleganFormatError(`${source}: only RGB generators are supported`);

  const convs: StyledConv[] = [];
  const toRgbs: ToRgb[] = [];
  let constInput: CheckpointTensor | null = null;
  let wIndex = 0;
  for (let res = 4; res <= resolution; res *= 2) {
    const block = child(synthesis, `b${res}`);
    if (block.state.get('architecture') !== 'skip')
      throw new StyleganFormatError(
        `${source}: block b${res} uses architecture "${String(block.state.get('architecture'))}"; only "skip" is supported`,
      );
    const layerNames = hasChild(block, 'conv0') ? ['conv0', 'conv1'] : ['conv1'];
    if (res === 4) constInput = tensor(block, 'const', [null, 4, 4]);
    for (const name of layerNames) {
      const layer = child(block, name);
      const weight = tensor(layer, 'weight', [null, null, null, null]);
      const [outChannels, inChannels, kernel] = weight.shape as [number, number, number, number];
      const up = number(layer, 'up', 1) === 2;
      const useNoise = layer.state.get('use_noise') !== false;
      convs.push({
        wIndex,
        resolution: res,
        inChannels,
        outChannels,
        kernel,
        affine: dense(child(layer, 'affine')),
        weight: weight.toFloat32(),
        blur: up
          ? (({ size, kernel: k }) => ({ size, kernel: flipped(k, size) }))(
              squareFilter(tensor(layer, 'resample_filter'), 4, `b${res}.${name}`),
            )
          : null,
        noise: useNoise
          ? scaled(tensor(layer, 'noise_const', [res, res]).toFloat32(), tensor(layer, 'noise_strength').toFloat32()[0]!)
          : null,
        bias: tensor(layer, 'bias', [outChannels]).toFloat32(),
        gain: number(layer, 'act_gain', SQRT2)!,
        clamp: number(layer, 'conv_clamp', null),
      });
      wIndex += 1;
    }
    const torgb = child(block, 'torgb');
    const weight = tensor(torgb, 'weight', [3, null, 1, 1]);
    const inChannels = weight.shape[1]!;
    toRgbs.push({
      wIndex,
      inChannels,
      affine: dense(child(torgb, 'affine'), number(torgb, 'weight_gain')!),
      weight: weight.toFloat32(),
      bias: tensor(torgb, 'bias', [3]).toFloat32(),
      clamp: number(torgb, 'conv_clamp', null),
      skipUpsample: res > 4 ? squareFilter(tensor(block, 'resample_filter'), 4, `b${res}`) : null,
    });
  }
  const wAvg = tensor(mappingNet, 'w_avg', [wDim]).toFloat32();
  return {
    format: 'nvidia',
    resolution,
    numWs: number(generator, 'num_ws')!,
    zDim: number(generator, 'z_dim')!,
    wDim,
    mapping,
    wAvg,
    constInput: constInput!.toFloat32(),
    constChannels: constInput!.shape[0]!,
    convs,
    toRgbs,
  };
}

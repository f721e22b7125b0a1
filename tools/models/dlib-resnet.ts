/**
 * dlib's face-recognition ResNet (dlib_face_recognition_resnet_model_v1, by Davis King, released into
 * the public domain) as @vladmandic/face-api ships it: a weights-only tfjs file
 * (`face_recognition_model-weights_manifest.json` + `.bin`) whose network exists only as code
 * (face-api `src/faceRecognitionNet/*.ts`). There is no graph to convert, so the network is
 * described here, layer by layer as face-api runs it, and emitted as ONNX directly.
 *
 * Input: dlib's 150×150 face chip (see app/main/vision/dlib-chip.ts), NHWC RGB, normalised as
 * (rgb − (122.782, 117.001, 104.298)) / 255 (face-api `FaceRecognitionNet.forwardInput`).
 *
 * Network (face-api `FaceRecognitionNet.forwardInput`, `convLayer.ts`, `residualLayer.ts`):
 *   conv32_down   7×7 stride 2 VALID → ×scale + bias → ReLU            150 → 72
 *   max pool      3×3 stride 2 VALID                                   72 → 35
 *   conv32_1..3   residual (3×3 SAME conv → ReLU → 3×3 SAME conv, + x, ReLU)
 *   conv64_down   residual down (conv1 3×3 stride 2 VALID; shortcut = 2×2 average pool,
 *                 zero channels appended when the block widens)           35 → 17
 *   conv64_1..3, conv128_down (→ 8), conv128_1..2, conv256_down (→ 3, shortcut 4),
 *   conv256_1..2, conv256_down_out (→ 1, shortcut 2)
 *   where the strided branch comes out smaller than the pooled shortcut (3 vs 4, 1 vs 2), face-api
 *   appends a zero row and column at the end of the branch before the sum;
 *   global average pool → 256, then `fc` (256 × 128, no bias) → the 128-d descriptor.
 * Every convolution is conv + bias followed by a per-channel affine "scale" layer (dlib's affine
 * layers, i.e. its batch norm at inference); the scale is folded into the convolution's weights and
 * bias here, which is exact up to float32 rounding.
 */
import type { onnx } from 'onnx-proto';
import { CONVERTER_VERSION, OPSET, PRODUCER_NAME } from './convert.ts';
import { transposeData } from './layout.ts';
import { OnnxGraphBuilder } from '../../app/main/onnx/onnx-builder.ts';
import type { WeightTensor } from './tfjs-weights.ts';

export const DLIB_CHIP_SIZE = 150;
const DESCRIPTOR_SIZE = 128;

interface Feature {
  name: string;
  channels: number;
  size: number;
}

type Padding = 'SAME' | 'VALID';

class DlibResnetBuilder {
  readonly builder = new OnnxGraphBuilder();
  readonly used = new Set<string>();

  constructor(private readonly weights: ReadonlyMap<string, WeightTensor>) {}

  private weight(name: string, rank: number): WeightTensor {
    this.used.add(name);
    const tensor = this.weights.get(name);
    if (!tensor) throw new Error(`dlib ResNet: weight "${name}" is missing from the weights manifest`);
    if (tensor.shape.length !== rank || tensor.dtype !== 'float32') {
      throw new Error(
        `dlib ResNet: weight "${name}" is ${tensor.dtype} [${tensor.shape.join(',')}], expected a rank-${rank} float32 tensor`,
      );
    }
    return tensor;
  }

  /** conv (HWIO filters) + bias, then the scale layer folded in: W·s, bias·s + b. */
  conv(x: Feature, prefix: string, stride: number, padding: Padding, relu: boolean): Feature {
    const filters = this.weight(`${prefix}/conv/filters`, 4);
    const bias = this.weight(`${prefix}/conv/bias`, 1).data;
    const scale = this.weight(`${prefix}/scale/weights`, 1).data;
    const shift = this.weight(`${prefix}/scale/biases`, 1).data;
    const [kh, kw, inChannels, outChannels] = filters.shape;
    if (inChannels !== x.channels) throw new Error(`dlib ResNet: ${prefix} expects ${inChannels} input channels, gets ${x.channels}`);
    const oihw = transposeData(filters.data as Float32Array, filters.shape, [3, 2, 0, 1]);
    const perOut = inChannels * kh * kw;
    for (let o = 0; o < outChannels; o++) for (let k = 0; k < perOut; k++) oihw[o * perOut + k] *= scale[o];
    const folded = Float32Array.from({ length: outChannels }, (_, o) => bias[o] * scale[o] + shift[o]);
    const pad = padding === 'SAME' ? (kh - 1) / 2 : 0;
    const size = padding === 'SAME' ? Math.ceil(x.size / stride) : Math.floor((x.size - kh) / stride) + 1;
    const w = this.builder.addInitializer(`${prefix}/weights`, oihw, [outChannels, inChannels, kh, kw]);
    const b = this.builder.addInitializer(`${prefix}/bias`, folded, [outChannels]);
    let name = this.builder.addNode('Conv', [x.name, w, b], `${prefix}/conv`, {
      kernel_shape: { ints: [kh, kw] },
      strides: { ints: [stride, stride] },
      pads: { ints: [pad, pad, pad, pad] },
    });
    if (relu) name = this.builder.addNode('Relu', [name], `${prefix}/relu`);
    return { name, channels: outChannels, size };
  }

  residual(x: Feature, prefix: string): Feature {
    const branch = this.conv(this.conv(x, `${prefix}/conv1`, 1, 'SAME', true), `${prefix}/conv2`, 1, 'SAME', false);
    const sum = this.builder.addNode('Add', [branch.name, x.name], `${prefix}/add`);
    return { ...branch, name: this.builder.addNode('Relu', [sum], `${prefix}/relu`) };
  }

  residualDown(x: Feature, prefix: string): Feature {
    let branch = this.conv(this.conv(x, `${prefix}/conv1`, 2, 'VALID', true), `${prefix}/conv2`, 1, 'SAME', false);
    let shortcut: Feature = {
      name: this.builder.addNode('AveragePool', [x.name], `${prefix}/pool`, { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } }),
      channels: x.channels,
      size: Math.floor(x.size / 2),
    };
    if (shortcut.channels !== branch.channels)
      shortcut = this.zeroPad(shortcut, `${prefix}/pool_channels`, branch.channels - shortcut.channels, 0);
    if (branch.size !== shortcut.size) branch = this.zeroPad(branch, `${prefix}/branch_grow`, 0, shortcut.size - branch.size);
    const sum = this.builder.addNode('Add', [shortcut.name, branch.name], `${prefix}/add`);
    return { ...branch, name: this.builder.addNode('Relu', [sum], `${prefix}/relu`) };
  }

  /** Zeros appended at the end of the channel axis and/or the end of both spatial axes (NCHW). */
  private zeroPad(x: Feature, base: string, channels: number, pixels: number): Feature {
    const pads = this.builder.addInitializer(
      `${base}/pads`,
      BigInt64Array.from([0, 0, 0, 0, 0, channels, pixels, pixels].map(BigInt)),
      [8],
    );
    return {
      name: this.builder.addNode('Pad', [x.name, pads], base, { mode: { s: 'constant' } }),
      channels: x.channels + channels,
      size: x.size + pixels,
    };
  }

  build(inputName: string, outputName: string): void {
    const nchw = this.builder.addNode('Transpose', [inputName], 'input_nchw', { perm: { ints: [0, 3, 1, 2] } });
    let x: Feature = { name: nchw, channels: 3, size: DLIB_CHIP_SIZE };
    x = this.conv(x, 'conv32_down', 2, 'VALID', true);
    x = {
      name: this.builder.addNode('MaxPool', [x.name], 'max_pool', { kernel_shape: { ints: [3, 3] }, strides: { ints: [2, 2] } }),
      channels: x.channels,
      size: Math.floor((x.size - 3) / 2) + 1,
    };
    for (const block of ['conv32_1', 'conv32_2', 'conv32_3']) x = this.residual(x, block);
    x = this.residualDown(x, 'conv64_down');
    for (const block of ['conv64_1', 'conv64_2', 'conv64_3']) x = this.residual(x, block);
    x = this.residualDown(x, 'conv128_down');
    for (const block of ['conv128_1', 'conv128_2']) x = this.residual(x, block);
    x = this.residualDown(x, 'conv256_down');
    for (const block of ['conv256_1', 'conv256_2']) x = this.residual(x, block);
    x = this.residualDown(x, 'conv256_down_out');
    const pooled = this.builder.addNode('ReduceMean', [x.name], 'global_pool', { axes: { ints: [2, 3] }, keepdims: { i: 0 } });
    const fc = this.weight('fc', 2);
    if (fc.shape[0] !== x.channels || fc.shape[1] !== DESCRIPTOR_SIZE)
      throw new Error(`dlib ResNet: fc is [${fc.shape.join(',')}], expected [${x.channels},${DESCRIPTOR_SIZE}]`);
    const fcWeights = this.builder.addInitializer('fc', fc.data as Float32Array, fc.shape);
    this.builder.addOutputNode('MatMul', [pooled, fcWeights], outputName, ['N', DESCRIPTOR_SIZE]);
  }
}

export interface DescribedNetworkOptions {
  graphName: string;
  inputName: string;
  outputName: string;
  docString?: string;
  metadata?: Record<string, string>;
}

/** The whole network from face-api's decoded weight map; every weight must be used exactly by name. */
export function buildDlibResnet(weights: ReadonlyMap<string, WeightTensor>, options: DescribedNetworkOptions): onnx.ModelProto {
  const network = new DlibResnetBuilder(weights);
  network.builder.reserve(options.inputName);
  network.builder.reserve(options.outputName);
  network.builder.addInput(options.inputName, ['N', DLIB_CHIP_SIZE, DLIB_CHIP_SIZE, 3]);
  network.build(options.inputName, options.outputName);
  const unused = [...weights.keys()].filter((name) => !network.used.has(name));
  if (unused.length > 0) throw new Error(`dlib ResNet: the weights manifest has weights the network does not use: ${unused.join(', ')}`);
  return network.builder.build({
    graphName: options.graphName,
    opset: OPSET,
    producerName: PRODUCER_NAME,
    producerVersion: CONVERTER_VERSION,
    docString: options.docString,
    metadata: options.metadata,
  });
}

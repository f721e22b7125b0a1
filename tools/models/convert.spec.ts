import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { convertTfjsGraph, convertTfjsModel, type OutputSpec } from './convert.ts';
import { MODELS, conversionOptions } from './model-catalog.ts';
import { manifestFileOf } from '../../app/main/onnx/model-manifest.ts';
import { createManifest, serialiseManifest } from './model-manifest.ts';
import { encodeModelProto } from '../../app/main/onnx/onnx-builder.ts';
import { MODELS_DIR } from './paths.ts';
import { normaliseInput, sampleImage } from './sample-input.ts';
import { graphFiles, readSourceModel, sha256 } from './source-model.ts';
import { inputShapeOf, parseTfjsGraph, type TfjsModelJson, type TfjsNodeJson } from './tfjs-graph.ts';
import { loadReferenceModel, runReference, useWasmBackend } from './tfjs-reference.ts';
import { decodeWeights } from './tfjs-weights.ts';

/**
 * Parity bound, numpy-allclose style. Absolute 1e-3 covers every output in
 * the O(1) range; the relative term only matters for BlazeFace's raw logits,
 * which reach ±2700 where float32 summation-order noise alone is ~1e-3 (tfjs'
 * own cpu and wasm backends differ by 1.5e-3 there).
 */
const ABS_TOLERANCE = 1e-3;
const GRAPH_MODELS = MODELS.filter((model) => model.source.format === 'tfjs-graph');
const REL_TOLERANCE = 1e-4;

interface Difference {
  maxAbs: number;
  worstRatio: number;
}

function difference(actual: Float32Array, expected: Float32Array): Difference {
  expect(actual.length).toBe(expected.length);
  let maxAbs = 0;
  let worstRatio = 0;
  for (let i = 0; i < actual.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    if (Number.isNaN(diff)) throw new Error(`NaN at element ${i}: onnx ${actual[i]}, tfjs ${expected[i]}`);
    maxAbs = Math.max(maxAbs, diff);
    worstRatio = Math.max(worstRatio, diff / (ABS_TOLERANCE + REL_TOLERANCE * Math.abs(expected[i])));
  }
  return { maxAbs, worstRatio };
}

async function runOnnx(bytes: Uint8Array, input: Float32Array, shape: number[], outputs: string[]): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const result = await session.run({ input: new ort.Tensor('float32', input, shape) });
    return outputs.map((name) => result[name].data as Float32Array);
  } finally {
    await session.release();
  }
}

/** Converts and runs a tfjs model both ways on `input`; fails on the first output out of tolerance. */
async function expectParity(
  json: TfjsModelJson,
  weights: Uint8Array,
  outputs: OutputSpec[],
  input: Float32Array,
  shape: number[],
): Promise<Record<string, number>> {
  const bytes = convertTfjsModel(json, weights, { graphName: 'test', inputName: 'input', outputs });
  const onnx = await runOnnx(
    bytes,
    input,
    shape,
    outputs.map((o) => o.name),
  );
  const reference = await runReference(await loadReferenceModel(json, weights), input, shape, outputs);
  const report: Record<string, number> = {};
  outputs.forEach((output, i) => {
    const { maxAbs, worstRatio } = difference(onnx[i], reference[i]);
    report[output.name] = maxAbs;
    expect(worstRatio, `${output.name}: max |onnx − tfjs| = ${maxAbs}`).toBeLessThanOrEqual(1);
  });
  return report;
}

/** A synthetic tfjs graph model: float32 constants laid out in one weights buffer, nodes as written. */
class SyntheticGraph {
  private readonly nodes: TfjsNodeJson[] = [];
  private readonly specs: TfjsModelJson['weightsManifest'][number]['weights'] = [];
  private readonly chunks: Uint8Array[] = [];
  private seed = 7;

  placeholder(name: string, shape: number[]): string {
    this.nodes.push({
      name,
      op: 'Placeholder',
      attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: shape.map((size) => ({ size: String(size) })) } } },
    });
    return name;
  }

  constant(name: string, shape: number[], values?: number[], dtype: 'float32' | 'int32' = 'float32'): string {
    const count = shape.reduce((a, b) => a * b, 1);
    const data = values ?? Array.from({ length: count }, () => this.random());
    const array = dtype === 'float32' ? Float32Array.from(data) : Int32Array.from(data);
    const tfType = dtype === 'float32' ? 'DT_FLOAT' : 'DT_INT32';
    this.nodes.push({ name, op: 'Const', attr: { dtype: { type: tfType }, value: { tensor: { dtype: tfType } } } });
    this.specs.push({ name, shape, dtype });
    this.chunks.push(new Uint8Array(array.buffer));
    return name;
  }

  ints(name: string, values: number[]): string {
    return this.constant(name, [values.length], values, 'int32');
  }

  op(name: string, op: string, input: string[], attr: TfjsNodeJson['attr'] = {}): string {
    this.nodes.push({ name, op, input, attr: { T: { type: 'DT_FLOAT' }, ...attr } });
    return name;
  }

  build(): { json: TfjsModelJson; weights: Uint8Array } {
    return {
      json: {
        format: 'graph-model',
        modelTopology: { node: this.nodes, versions: {} },
        weightsManifest: [{ paths: ['synthetic.bin'], weights: this.specs }],
      },
      weights: new Uint8Array(Buffer.concat(this.chunks)),
    };
  }

  private random(): number {
    this.seed = (this.seed * 16807) % 2147483647;
    return (this.seed / 2147483647) * 2 - 1;
  }
}

const text = (value: string) => ({ s: Buffer.from(value).toString('base64') });
const ints = (values: number[]) => ({ list: { i: values.map(String) } });
const texts = (values: string[]) => ({ list: { s: values.map((v) => Buffer.from(v).toString('base64')) } });
const window = (padding: string, strides: number[], extra: TfjsNodeJson['attr'] = {}) => ({
  padding: text(padding),
  strides: ints([1, ...strides, 1]),
  dilations: ints([1, 1, 1, 1]),
  data_format: text('NHWC'),
  ...extra,
});

function pseudoRandomInput(count: number): Float32Array {
  return Float32Array.from({ length: count }, (_, i) => Math.sin(i * 12.9898) * 0.5 + Math.cos(i * 0.37) * 0.5);
}

beforeAll(async () => {
  await useWasmBackend();
});

describe('tfjs → ONNX converter', () => {
  describe('parity with tfjs (wasm backend) on a real face', () => {
    for (const model of GRAPH_MODELS) {
      it(model.id, async () => {
        const source = graphFiles(await readSourceModel(model), model.id);
        const json = source.json;
        const dims = inputShapeOf(json);
        const [, height, width] = dims;
        // Dynamic-batch models run a batch of two (the face and its mirror image) to exercise the symbolic batch.
        const images =
          dims[0] === -1 ? [await sampleImage(width, height), await sampleImage(width, height, true)] : [await sampleImage(width, height)];
        if (!images[0].real)
          console.warn(`[models] ${model.id}: REAL FACE DATA MISSING, parity runs on a pseudo-random image: ${images[0].source}`);
        const input = new Float32Array(images.length * height * width * 3);
        images.forEach((image, i) => input.set(normaliseInput(image.pixels, model.input), i * height * width * 3));
        const report = await expectParity(json, source.weightData, conversionOptions(model).outputs, input, [
          images.length,
          height,
          width,
          3,
        ]);
        const summary = Object.entries(report)
          .map(([name, diff]) => `${name} ${diff.toExponential(2)}`)
          .join(', ');
        console.log(`[models] parity ${model.id} (batch ${images.length}, ${images[0].source}): max |onnx − tfjs| ${summary}`);
      });
    }
  });

  it('is deterministic, matches the committed manifests, and keeps layout transposes to the unavoidable ones', async () => {
    // One at the input, one before each Reshape (which needs TF element order), one per rank-4 output.
    const expectedTransposes: Record<string, number> = {
      blazeface: 5,
      facemesh: 4,
      mobileface: 2,
      faceres: 1,
      'faceres-deep': 1,
      selfie: 2,
    };
    for (const model of GRAPH_MODELS) {
      const source = await readSourceModel(model);
      const files = graphFiles(source, model.id);
      const convert = () => convertTfjsGraph(parseTfjsGraph(files.json, files.weightData), conversionOptions(model));
      const proto = convert();
      const bytes = encodeModelProto(proto);
      expect(sha256(encodeModelProto(convert())), `${model.id} converts to the same bytes twice`).toBe(sha256(bytes));
      const committed = await readFile(join(MODELS_DIR, manifestFileOf(model.id)), 'utf8');
      expect(serialiseManifest(createManifest(model, source, proto, sha256(bytes))), `${model.id} manifest is current`).toBe(committed);
      const transposes = (proto.graph?.node ?? []).filter((node) => node.opType === 'Transpose').length;
      expect(transposes, `${model.id} Transpose nodes`).toBe(expectedTransposes[model.id]);
    }
  });

  it('fails on an unsupported op, naming the op and the node', () => {
    const graph = new SyntheticGraph();
    const x = graph.placeholder('x', [1, 4, 4, 3]);
    graph.op('block/erf', 'Erf', [graph.op('block/relu', 'Relu', [x])]);
    const { json, weights } = graph.build();
    expect(() =>
      convertTfjsModel(json, weights, { graphName: 'g', inputName: 'input', outputs: [{ name: 'y', from: ['block/erf'] }] }),
    ).toThrow('Unsupported tfjs op "Erf" at node "block/erf"');
  });

  it('matches tfjs on odd sizes: SAME padding, pooling, resize modes, elementwise, matmul (dynamic batch)', async () => {
    const g = new SyntheticGraph();
    const x = g.placeholder('x', [-1, 9, 7, 3]);
    const filter = g.constant('filter', [4, 3, 3, 5]);
    const bias = g.constant('bias', [5]);
    const conv = g.op('conv', 'Conv2D', [x, filter], window('SAME', [2, 2]));
    const dilated = g.op(
      'dilated',
      '_FusedConv2D',
      [x, filter, bias],
      window('SAME', [1, 1], { dilations: ints([1, 2, 2, 1]), fused_ops: texts(['BiasAdd', 'Relu6']), num_args: { i: '1' } }),
    );
    const prelu = g.op(
      'prelu',
      '_FusedConv2D',
      [x, filter, bias, g.constant('alpha', [5])],
      window('SAME', [2, 1], { fused_ops: texts(['BiasAdd', 'Prelu']), num_args: { i: '2' } }),
    );
    const leaky = g.op(
      'leaky',
      '_FusedConv2D',
      [x, filter, bias],
      window('VALID', [1, 2], { fused_ops: texts(['BiasAdd', 'LeakyRelu']), num_args: { i: '1' }, leakyrelu_alpha: { f: 0.1 } }),
    );
    const explicit = g.op(
      'explicit',
      'Conv2D',
      [x, filter],
      window('EXPLICIT', [2, 3], { explicit_paddings: ints([0, 0, 1, 2, 0, 1, 0, 0]) }),
    );
    const depthwise = g.op('depthwise', 'DepthwiseConv2dNative', [conv, g.constant('dw', [3, 3, 5, 2])], window('SAME', [2, 2]));
    const maxPool = g.op('maxpool', 'MaxPool', [x], window('SAME', [2, 2], { ksize: ints([1, 3, 3, 1]) }));
    const avgPool = g.op('avgpool', 'AvgPool', [x], window('SAME', [2, 2], { ksize: ints([1, 3, 2, 1]) }));
    const halfPixel = g.op('resize_half_pixel', 'ResizeBilinear', [conv, g.ints('size_a', [7, 9])], {
      align_corners: { b: false },
      half_pixel_centers: { b: true },
    });
    const aligned = g.op('resize_aligned', 'ResizeBilinear', [conv, g.ints('size_b', [3, 5])], {
      align_corners: { b: true },
      half_pixel_centers: { b: false },
    });
    const legacy = g.op('resize_legacy', 'ResizeBilinear', [conv, g.ints('size_c', [8, 7])], {
      align_corners: { b: false },
      half_pixel_centers: { b: false },
    });
    const pooled = g.op('mean', 'Mean', [depthwise, g.ints('axes', [1, 2])], { keep_dims: { b: false } });
    const kept = g.op('mean_kept', 'Mean', [prelu, g.ints('axes_c', [3])], { keep_dims: { b: true } });
    const channelMean = g.op('mean_channels', 'Mean', [prelu, g.ints('axes_c2', [-1])], { keep_dims: { b: false } });
    const rowMean = g.op('mean_rows', 'Mean', [prelu, g.ints('axes_h', [1])], { keep_dims: { b: false } });
    const softmax = g.op('softmax', 'Softmax', [pooled]);
    const softmax4d = g.op('softmax4d', 'Softmax', [maxPool]);
    const padded = g.op('pad', 'Pad', [maxPool, g.constant('paddings', [4, 2], [0, 0, 1, 2, 0, 1, 1, 0], 'int32')]);
    const joined = g.op('concat', 'ConcatV2', [maxPool, avgPool, g.ints('axis', [3])], { N: { i: '2' } });
    const one = g.constant('one', [], [1]);
    const channelScale = g.constant('channel_scale', [3]);
    const elementwise = g.op('rsqrt', 'Rsqrt', [g.op('add1', 'AddV2', [g.op('square', 'Square', [avgPool]), one])]);
    const clipped = g.op('max', 'Maximum', [
      g.op('min', 'Minimum', [maxPool, channelScale]),
      g.op('sub', 'Sub', [g.op('abs', 'Abs', [avgPool]), one]),
    ]);
    const summed = g.op('addn', 'AddN', [clipped, elementwise, g.op('sigmoid', 'Sigmoid', [g.op('mul', 'Mul', [maxPool, avgPool])])], {
      N: { i: '3' },
    });
    const flat = g.op('flatten', 'Reshape', [depthwise, g.ints('flat_shape', [-1, 60])]);
    const dense = g.op('dense', '_FusedMatMul', [flat, g.constant('dense_w', [60, 4]), g.constant('dense_b', [4])], {
      fused_ops: texts(['BiasAdd', 'Relu']),
      num_args: { i: '1' },
      transpose_a: { b: false },
      transpose_b: { b: false },
    });
    const dense2 = g.op('dense2', 'MatMul', [dense, g.constant('dense2_w', [3, 4])], {
      transpose_a: { b: false },
      transpose_b: { b: true },
    });
    const names = {
      explicit,
      dilated,
      prelu,
      leaky,
      depthwise,
      maxPool,
      avgPool,
      halfPixel,
      aligned,
      legacy,
      kept,
      channelMean,
      rowMean,
      softmax,
      softmax4d,
      padded,
      joined,
      summed,
      dense2,
    };
    const outputs = Object.entries(names).map(([name, node]) => ({ name, from: [node] }));
    const { json, weights } = g.build();
    await expectParity(json, weights, outputs, pseudoRandomInput(2 * 9 * 7 * 3), [2, 9, 7, 3]);
  });

  it('matches tfjs on Conv2DBackpropInput with SAME and VALID padding (odd sizes, output padding)', async () => {
    const g = new SyntheticGraph();
    const x = g.placeholder('x', [1, 9, 7, 3]);
    const filter = g.constant('filter', [3, 3, 4, 3]);
    const same = g.op('same', 'Conv2DBackpropInput', [g.ints('sizes_same', [1, 18, 14, 4]), filter, x], window('SAME', [2, 2]));
    const valid = g.op('valid', 'Conv2DBackpropInput', [g.ints('sizes_valid', [1, 20, 16, 4]), filter, x], window('VALID', [2, 2]));
    const { json, weights } = g.build();
    await expectParity(
      json,
      weights,
      [
        { name: 'same', from: [same] },
        { name: 'valid', from: [valid] },
      ],
      pseudoRandomInput(9 * 7 * 3),
      [1, 9, 7, 3],
    );
  });

  it('decodes float16 weights exactly as tfjs does, for every bit pattern', async () => {
    const words = new Uint8Array(65536 * 2);
    const view = new DataView(words.buffer);
    for (let bits = 0; bits < 65536; bits++) view.setUint16(bits * 2, bits, true);
    const spec = { name: 'w', shape: [65536], dtype: 'float32' as const, quantization: { dtype: 'float16' as const } };
    const ours = decodeWeights([spec], words).get('w')?.data as Float32Array;
    const theirs = tf.io.decodeWeights(words.buffer, [spec]).w.dataSync() as Float32Array;
    const mismatches = Array.from(ours.keys()).filter(
      (i) => !Object.is(ours[i], theirs[i]) && !(Number.isNaN(ours[i]) && Number.isNaN(theirs[i])),
    );
    expect(mismatches).toEqual([]);
  });

  it('dequantizes uint8 and uint16 weights exactly as tfjs does', () => {
    const bytes = Uint8Array.from({ length: 512 }, (_, i) => (i * 37) % 256);
    const specs = [
      { name: 'u8', shape: [16, 16], dtype: 'float32' as const, quantization: { dtype: 'uint8' as const, scale: 0.0137, min: -1.7 } },
      { name: 'u16', shape: [128], dtype: 'float32' as const, quantization: { dtype: 'uint16' as const, scale: 3.1e-5, min: -0.9 } },
    ];
    const ours = decodeWeights(specs, bytes);
    const theirs = tf.io.decodeWeights(bytes.buffer, specs);
    for (const { name } of specs) expect(Array.from(ours.get(name)?.data ?? [])).toEqual(Array.from(theirs[name].dataSync()));
  });
});

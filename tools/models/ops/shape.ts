/**
 * Ops that move data between dimensions: Reshape, Pad, ConcatV2. Reshape
 * needs TF's element order, so it always reads its input in TF layout; Pad
 * and ConcatV2 stay in NCHW by re-indexing their paddings / axis instead.
 */
import { nodeLabel, type ConversionContext, type GraphValue } from '../conversion-context.ts';
import { NHWC_TO_NCHW, nchwAxis, normaliseAxis, permute } from '../layout.ts';
import type { TfjsNode } from '../tfjs-graph.ts';

/** The output shape of a TF reshape; with a dynamic batch on the input the inferred dimension stays dynamic. */
function reshapedShape(node: TfjsNode, input: number[], target: number[]): number[] {
  const inferred = target.filter((d) => d === -1).length;
  if (inferred > 1) throw new Error(`${nodeLabel(node)} has more than one -1 in shape [${target.join(',')}]`);
  if (input.includes(-1)) return target;
  const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const count = input.reduce((a, b) => a * b, 1);
  const shape = target.map((d) => (d === -1 ? count / known : d));
  if (shape.some((d) => !Number.isInteger(d)) || shape.reduce((a, b) => a * b, 1) !== count) {
    throw new Error(`${nodeLabel(node)} cannot reshape [${input.join(',')}] to [${target.join(',')}]`);
  }
  return shape;
}

export function reshape(node: TfjsNode, ctx: ConversionContext): void {
  const x = ctx.runtimeInput(node, 0);
  const target = ctx.constantInts(node, 1, 'shape');
  const shape = reshapedShape(node, x.shape, target);
  // allowzero=1: a 0 in a TF shape is a real zero-sized dimension, not ONNX's "copy this dimension".
  const output = ctx.builder.addNode('Reshape', [ctx.inLayout(x, 'tf'), ctx.int64Initializer(`${node.name}/shape`, target)], node.name, {
    allowzero: { i: 1 },
  });
  ctx.defineTensor(node, output, shape, 'tf');
}

export function pad(node: TfjsNode, ctx: ConversionContext): void {
  const x = ctx.runtimeInput(node, 0);
  const flat = ctx.constantInts(node, 1, 'paddings');
  const rank = x.shape.length;
  if (flat.length !== 2 * rank) throw new Error(`${nodeLabel(node)} has ${flat.length / 2} padding pairs for a rank-${rank} input`);
  const pairs = Array.from({ length: rank }, (_, i) => [flat[2 * i], flat[2 * i + 1]]);
  const stored = x.layout === 'nchw' ? permute(pairs, NHWC_TO_NCHW) : pairs;
  const pads = [...stored.map((p) => p[0]), ...stored.map((p) => p[1])];
  const output = ctx.builder.addNode('Pad', [x.name, ctx.int64Initializer(`${node.name}/pads`, pads)], node.name, {
    mode: { s: 'constant' },
  });
  const shape = x.shape.map((d, i) => (d === -1 ? -1 : d + pairs[i][0] + pairs[i][1]));
  ctx.defineTensor(node, output, shape, x.layout);
}

export function concat(node: TfjsNode, ctx: ConversionContext): void {
  const count = node.inputs.length - 1;
  const values: GraphValue[] = Array.from({ length: count }, (_, i) => ctx.input(node, i));
  const rank = values[0].shape.length;
  if (values.some((v) => v.shape.length !== rank)) throw new Error(`${nodeLabel(node)} concatenates tensors of different ranks`);
  const axis = normaliseAxis(ctx.constantInts(node, count, 'axis')[0], rank, nodeLabel(node));
  const layout = rank === 4 && values.some((v) => v.kind === 'tensor' && v.layout === 'nchw') ? 'nchw' : 'tf';
  const output = ctx.builder.addNode(
    'Concat',
    values.map((v) => ctx.inLayout(v, layout)),
    node.name,
    { axis: { i: layout === 'nchw' ? nchwAxis(axis) : axis } },
  );
  const shape = values[0].shape.map((d, i) =>
    i !== axis ? d : values.some((v) => v.shape[i] === -1) ? -1 : values.reduce((sum, v) => sum + v.shape[i], 0),
  );
  ctx.defineTensor(node, output, shape, layout);
}

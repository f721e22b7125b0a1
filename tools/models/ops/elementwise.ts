/**
 * Elementwise ops. They run in whichever layout their rank-4 operands already
 * have, so a chain of convolutions and activations never leaves NCHW.
 */
import { nodeLabel, type ConversionContext, type GraphValue } from '../conversion-context.ts';
import { broadcastShapes } from '../layout.ts';
import type { TfjsNode } from '../tfjs-graph.ts';

function operands(node: TfjsNode, ctx: ConversionContext): GraphValue[] {
  return node.inputs.map((_, i) => ctx.input(node, i));
}

function outputShape(node: TfjsNode, values: GraphValue[]): number[] {
  return values.map((v) => v.shape).reduce((a, b) => broadcastShapes(a, b, nodeLabel(node)));
}

/** Emits `onnxOp` over all inputs of `node`, in the layout their runtime operands favour. */
function elementwise(node: TfjsNode, ctx: ConversionContext, onnxOp: string): void {
  const values = operands(node, ctx);
  if (values.every((v) => v.kind === 'constant'))
    throw new Error(`${nodeLabel(node)} has only constant inputs; constant folding is not supported`);
  const layout = ctx.elementwiseLayout(values);
  const output = ctx.builder.addNode(
    onnxOp,
    values.map((v) => ctx.operand(v, layout)),
    node.name,
  );
  ctx.defineTensor(node, output, outputShape(node, values), layout);
}

export const binary =
  (onnxOp: 'Add' | 'Sub' | 'Mul' | 'Max' | 'Min' | 'PRelu') =>
  (node: TfjsNode, ctx: ConversionContext): void => {
    if (node.inputs.length !== 2) throw new Error(`${nodeLabel(node)} expects 2 inputs, has ${node.inputs.length}`);
    elementwise(node, ctx, onnxOp);
  };

export const unary =
  (onnxOp: 'Relu' | 'Sigmoid' | 'Abs') =>
  (node: TfjsNode, ctx: ConversionContext): void => {
    if (node.inputs.length !== 1) throw new Error(`${nodeLabel(node)} expects 1 input, has ${node.inputs.length}`);
    elementwise(node, ctx, onnxOp);
  };

/** AddN → Sum (ONNX Sum is variadic with broadcasting, a superset of AddN). */
export function addN(node: TfjsNode, ctx: ConversionContext): void {
  elementwise(node, ctx, 'Sum');
}

/** The input value itself under the node's name; no ONNX node is needed. */
export function identity(node: TfjsNode, ctx: ConversionContext): void {
  ctx.define(node.name, ctx.input(node, 0));
}

export function relu6(node: TfjsNode, ctx: ConversionContext): void {
  const x = ctx.runtimeInput(node, 0);
  ctx.defineTensor(node, ctx.builder.addNode('Clip', [x.name, ctx.scalar(0), ctx.scalar(6)], node.name), x.shape, x.layout);
}

export function square(node: TfjsNode, ctx: ConversionContext): void {
  const x = ctx.runtimeInput(node, 0);
  ctx.defineTensor(node, ctx.builder.addNode('Mul', [x.name, x.name], node.name), x.shape, x.layout);
}

export function rsqrt(node: TfjsNode, ctx: ConversionContext): void {
  const x = ctx.runtimeInput(node, 0);
  const sqrt = ctx.builder.addNode('Sqrt', [x.name], `${node.name}/sqrt`);
  ctx.defineTensor(node, ctx.builder.addNode('Reciprocal', [sqrt], node.name), x.shape, x.layout);
}

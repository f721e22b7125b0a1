/**
 * MaxPool / AvgPool in NCHW. TF's SAME average pooling divides by the number
 * of real (unpadded) pixels, which is ONNX's count_include_pad = 0.
 */
import { nodeLabel, type ConversionContext } from '../conversion-context.ts';
import { axisPadding, parsePadding } from '../padding.ts';
import type { TfjsNode } from '../tfjs-graph.ts';
import { assertNhwc, spatialAttribute } from './nhwc-attributes.ts';

function pool(node: TfjsNode, ctx: ConversionContext, onnxOp: 'MaxPool' | 'AveragePool'): void {
  assertNhwc(node);
  const x = ctx.runtimeInput(node, 0, 4);
  const kernel = spatialAttribute(node, 'ksize');
  const strides = spatialAttribute(node, 'strides');
  const padding = parsePadding(node.string('padding'), nodeLabel(node));
  if (padding === 'EXPLICIT') throw new Error(`${nodeLabel(node)}: EXPLICIT padding is not supported for pooling`);
  const [n, h, w, c] = x.shape;
  const [ph, pw] = [0, 1].map((axis) =>
    axisPadding(padding, { size: [h, w][axis], kernel: kernel[axis], stride: strides[axis], dilation: 1 }),
  );
  const attributes = {
    kernel_shape: { ints: kernel },
    strides: { ints: strides },
    pads: { ints: [ph.before, pw.before, ph.after, pw.after] },
    ...(onnxOp === 'AveragePool' ? { count_include_pad: { i: 0 } } : {}),
  };
  const output = ctx.builder.addNode(onnxOp, [ctx.inLayout(x, 'nchw')], node.name, attributes);
  ctx.defineTensor(node, output, [n, ph.output, pw.output, c], 'nchw');
}

export function maxPool(node: TfjsNode, ctx: ConversionContext): void {
  pool(node, ctx, 'MaxPool');
}

export function avgPool(node: TfjsNode, ctx: ConversionContext): void {
  pool(node, ctx, 'AveragePool');
}

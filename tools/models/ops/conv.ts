/**
 * Convolutions: Conv2D, DepthwiseConv2dNative, their tfjs-fused variants, and
 * Conv2DBackpropInput. All run in NCHW with weights re-laid out once, at
 * conversion time.
 */
import { nodeLabel, type ConversionContext } from '../conversion-context.ts';
import { transposeData } from '../layout.ts';
import { axisPadding, parsePadding, transposedAxisPadding, type AxisPadding } from '../padding.ts';
import type { TfjsNode } from '../tfjs-graph.ts';
import { appendActivation, parseFusedOps, type FusedOps } from './fused-activation.ts';
import { assertNhwc, spatialAttribute } from './nhwc-attributes.ts';

type ConvKind = 'conv' | 'depthwise';

function spatialPadding(
  node: TfjsNode,
  size: [number, number],
  kernel: [number, number],
  strides: [number, number],
  dilations: [number, number],
): [AxisPadding, AxisPadding] {
  const padding = parsePadding(node.string('padding'), nodeLabel(node));
  const explicit = padding === 'EXPLICIT' ? node.ints('explicit_paddings') : [];
  return [0, 1].map((axis) =>
    axisPadding(padding, { size: size[axis], kernel: kernel[axis], stride: strides[axis], dilation: dilations[axis] }, [
      explicit[2 + 2 * axis] ?? 0,
      explicit[3 + 2 * axis] ?? 0,
    ]),
  ) as [AxisPadding, AxisPadding];
}

function convolution(ctx: ConversionContext, node: TfjsNode, kind: ConvKind, fused: FusedOps | undefined): void {
  assertNhwc(node);
  const x = ctx.runtimeInput(node, 0, 4);
  const filter = ctx.constant(node, 1, 'filter');
  if (filter.dtype !== 'float32' || filter.shape.length !== 4) throw new Error(`${nodeLabel(node)} needs a rank-4 float32 filter`);
  const [kh, kw, inChannels, multiplier] = filter.shape;
  const outChannels = kind === 'depthwise' ? inChannels * multiplier : multiplier;
  const strides = spatialAttribute(node, 'strides');
  const dilations = spatialAttribute(node, 'dilations', [1, 1, 1, 1]);
  const [n, h, w] = x.shape;
  const [ph, pw] = spatialPadding(node, [h, w], [kh, kw], strides, dilations);

  const filterName = node.inputs[1];
  const weights = ctx.initializer(`weights\u0000${filterName}\u0000${kind}`, () => {
    // HWIO → OIHW. A depthwise [kh,kw,C,M] filter is HWIO with I=1, O=C·M, and its output channel c·M+m is what grouped Conv yields.
    const data = transposeData(filter.data as Float32Array, kind === 'depthwise' ? [kh, kw, 1, outChannels] : filter.shape, [3, 2, 0, 1]);
    const dims = kind === 'depthwise' ? [outChannels, 1, kh, kw] : [outChannels, inChannels, kh, kw];
    return ctx.builder.addInitializer(`${filterName}/oihw`, data, dims);
  });
  const inputs = [ctx.inLayout(x, 'nchw'), weights];
  if (fused?.bias) {
    const bias = ctx.input(node, 2, 1);
    inputs.push(ctx.inLayout(bias, 'tf'));
  }
  const conv = ctx.builder.addNode('Conv', inputs, fused?.activation ? `${node.name}/conv` : node.name, {
    kernel_shape: { ints: [kh, kw] },
    strides: { ints: strides },
    dilations: { ints: dilations },
    pads: { ints: [ph.before, pw.before, ph.after, pw.after] },
    group: { i: kind === 'depthwise' ? inChannels : 1 },
  });
  const output = fused ? appendActivation(ctx, node, fused, conv, 'nchw') : conv;
  ctx.defineTensor(node, output, [n, ph.output, pw.output, outChannels], 'nchw');
}

export function conv2d(node: TfjsNode, ctx: ConversionContext): void {
  convolution(ctx, node, 'conv', undefined);
}

export function fusedConv2d(node: TfjsNode, ctx: ConversionContext): void {
  convolution(ctx, node, 'conv', parseFusedOps(node));
}

export function depthwiseConv2d(node: TfjsNode, ctx: ConversionContext): void {
  convolution(ctx, node, 'depthwise', undefined);
}

export function fusedDepthwiseConv2d(node: TfjsNode, ctx: ConversionContext): void {
  convolution(ctx, node, 'depthwise', parseFusedOps(node));
}

/** Conv2DBackpropInput(input_sizes, filter, out_backprop) → ConvTranspose. */
export function conv2dBackpropInput(node: TfjsNode, ctx: ConversionContext): void {
  assertNhwc(node);
  const outputSizes = ctx.constantInts(node, 0, 'input_sizes');
  const filter = ctx.constant(node, 1, 'filter');
  const x = ctx.runtimeInput(node, 2, 4);
  const dilations = spatialAttribute(node, 'dilations', [1, 1, 1, 1]);
  if (dilations[0] !== 1 || dilations[1] !== 1) throw new Error(`${nodeLabel(node)}: dilated transposed convolution is not supported`);
  const padding = parsePadding(node.string('padding'), nodeLabel(node));
  if (padding === 'EXPLICIT') throw new Error(`${nodeLabel(node)}: EXPLICIT padding is not supported for Conv2DBackpropInput`);
  const strides = spatialAttribute(node, 'strides');
  // TF filter is [kh, kw, out_channels, in_channels] where "in" are out_backprop's channels.
  const [kh, kw, outChannels, inChannels] = filter.shape;
  const [n, h, w] = x.shape;
  const axes = [0, 1].map((axis) => transposedAxisPadding(padding, [h, w][axis], outputSizes[1 + axis], [kh, kw][axis], strides[axis]));

  const filterName = node.inputs[1];
  const weights = ctx.initializer(`weights\u0000${filterName}\u0000transposed`, () =>
    ctx.builder.addInitializer(`${filterName}/iohw`, transposeData(filter.data as Float32Array, filter.shape, [3, 2, 0, 1]), [
      inChannels,
      outChannels,
      kh,
      kw,
    ]),
  );
  const output = ctx.builder.addNode('ConvTranspose', [ctx.inLayout(x, 'nchw'), weights], node.name, {
    kernel_shape: { ints: [kh, kw] },
    strides: { ints: strides },
    pads: { ints: [axes[0].before, axes[1].before, axes[0].after, axes[1].after] },
    output_padding: { ints: [axes[0].outputPadding, axes[1].outputPadding] },
  });
  ctx.defineTensor(node, output, [n, outputSizes[1], outputSizes[2], outChannels], 'nchw');
}

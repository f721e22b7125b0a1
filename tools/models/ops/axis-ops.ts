/** Ops parameterised by axes: Mean (→ ReduceMean) and Softmax (always TF's last axis). */
import { nodeLabel, type ConversionContext } from '../conversion-context.ts';
import { nchwAxis, normaliseAxis } from '../layout.ts';
import type { TfjsNode } from '../tfjs-graph.ts';

export function mean(node: TfjsNode, ctx: ConversionContext): void {
  const x = ctx.runtimeInput(node, 0);
  const rank = x.shape.length;
  const axes = [...new Set(ctx.constantInts(node, 1, 'reduction_indices').map((a) => normaliseAxis(a, rank, nodeLabel(node))))].sort(
    (a, b) => a - b,
  );
  const keepDims = node.bool('keep_dims', false);
  if (axes.length === 0) {
    ctx.define(node.name, x);
    return;
  }
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  // Reducing in NCHW without keep_dims is only valid when the surviving axes come out in TF order (e.g. H,W reduced → [N, C]).
  const nchwKeepsOrder = kept.map(nchwAxis).every((p, i, all) => i === 0 || all[i - 1] < p);
  const layout = rank === 4 && x.layout === 'nchw' && (keepDims || nchwKeepsOrder) ? 'nchw' : 'tf';
  const onnxAxes = layout === 'nchw' ? axes.map(nchwAxis) : axes;
  const output = ctx.builder.addNode('ReduceMean', [ctx.inLayout(x, layout)], node.name, {
    axes: { ints: onnxAxes },
    keepdims: { i: keepDims ? 1 : 0 },
  });
  const shape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : kept.map((i) => x.shape[i]);
  ctx.defineTensor(node, output, shape, layout);
}

export function softmax(node: TfjsNode, ctx: ConversionContext): void {
  const x = ctx.runtimeInput(node, 0);
  const layout = x.shape.length === 4 ? x.layout : 'tf';
  const output = ctx.builder.addNode('Softmax', [x.name], node.name, { axis: { i: layout === 'nchw' ? 1 : -1 } });
  ctx.defineTensor(node, output, x.shape, layout);
}

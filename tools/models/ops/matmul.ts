/** MatMul and tfjs' _FusedMatMul (bias + activation) on rank-2 tensors → Gemm. */
import { nodeLabel, type ConversionContext } from '../conversion-context.ts';
import type { TfjsNode } from '../tfjs-graph.ts';
import { appendActivation, parseFusedOps, type FusedOps } from './fused-activation.ts';

function gemm(node: TfjsNode, ctx: ConversionContext, fused: FusedOps | undefined): void {
  const a = ctx.input(node, 0, 2);
  const b = ctx.input(node, 1, 2);
  const transA = node.bool('transpose_a', false);
  const transB = node.bool('transpose_b', false);
  const inputs = [ctx.inLayout(a, 'tf'), ctx.inLayout(b, 'tf')];
  if (fused?.bias) inputs.push(ctx.inLayout(ctx.input(node, 2, 1), 'tf'));
  const rows = transA ? a.shape[1] : a.shape[0];
  const columns = transB ? b.shape[0] : b.shape[1];
  const inner = [transA ? a.shape[0] : a.shape[1], transB ? b.shape[1] : b.shape[0]];
  if (inner[0] !== inner[1] && !inner.includes(-1))
    throw new Error(`${nodeLabel(node)} multiplies [${a.shape.join(',')}] by [${b.shape.join(',')}]`);
  const product = ctx.builder.addNode('Gemm', inputs, fused?.activation ? `${node.name}/gemm` : node.name, {
    transA: { i: transA ? 1 : 0 },
    transB: { i: transB ? 1 : 0 },
  });
  const output = fused ? appendActivation(ctx, node, fused, product, 'tf') : product;
  ctx.defineTensor(node, output, [rows, columns], 'tf');
}

export function matMul(node: TfjsNode, ctx: ConversionContext): void {
  gemm(node, ctx, undefined);
}

export function fusedMatMul(node: TfjsNode, ctx: ConversionContext): void {
  gemm(node, ctx, parseFusedOps(node));
}

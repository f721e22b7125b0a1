/**
 * The `fused_ops` attribute of tfjs' _FusedConv2D / FusedDepthwiseConv2dNative /
 * _FusedMatMul: a BiasAdd, optionally followed by one activation.
 */
import { nodeLabel, type ConversionContext } from '../conversion-context.ts';
import type { Layout } from '../layout.ts';
import type { TfjsNode } from '../tfjs-graph.ts';

export interface FusedOps {
  bias: boolean;
  activation: string | undefined;
}

const ACTIVATIONS = new Set(['Relu', 'Relu6', 'Prelu', 'LeakyRelu']);

export function parseFusedOps(node: TfjsNode): FusedOps {
  const ops = node.strings('fused_ops');
  const [first, second, ...rest] = ops;
  const bias = first === 'BiasAdd';
  const activation = bias ? second : first;
  const extra = bias ? rest : [second, ...rest].filter((op) => op !== undefined);
  if ((activation !== undefined && !ACTIVATIONS.has(activation)) || extra.length > 0) {
    throw new Error(`${nodeLabel(node)} has unsupported fused_ops [${ops.join(', ')}]`);
  }
  return { bias, activation };
}

/**
 * Appends the fused activation after `input` (stored in `layout`); Prelu's
 * alpha is the node's input after the bias. Returns the activation's output.
 */
export function appendActivation(ctx: ConversionContext, node: TfjsNode, fused: FusedOps, input: string, layout: Layout): string {
  const { builder } = ctx;
  switch (fused.activation) {
    case undefined:
      return input;
    case 'Relu':
      return builder.addNode('Relu', [input], node.name);
    case 'Relu6':
      return builder.addNode('Clip', [input, ctx.scalar(0), ctx.scalar(6)], node.name);
    case 'LeakyRelu':
      return builder.addNode('LeakyRelu', [input], node.name, { alpha: { f: node.float('leakyrelu_alpha', 0.2) } });
    case 'Prelu': {
      const alphaIndex = fused.bias ? 3 : 2;
      const alpha = ctx.input(node, alphaIndex);
      if (alpha.kind !== 'constant') throw new Error(`${nodeLabel(node)} needs a constant Prelu alpha (input ${alphaIndex})`);
      return builder.addNode('PRelu', [input, ctx.operand(alpha, layout)], node.name);
    }
    default:
      throw new Error(`${nodeLabel(node)} has unsupported fused activation "${fused.activation}"`);
  }
}

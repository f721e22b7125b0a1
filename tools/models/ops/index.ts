/** The op table: every tfjs op the converter understands, mapped to the function that emits its ONNX nodes. */
import type { ConversionContext } from '../conversion-context.ts';
import type { TfjsNode } from '../tfjs-graph.ts';
import { mean, softmax } from './axis-ops.ts';
import { conv2d, conv2dBackpropInput, depthwiseConv2d, fusedConv2d, fusedDepthwiseConv2d } from './conv.ts';
import { addN, binary, identity, relu6, rsqrt, square, unary } from './elementwise.ts';
import { fusedMatMul, matMul } from './matmul.ts';
import { avgPool, maxPool } from './pool.ts';
import { resizeBilinear } from './resize.ts';
import { concat, pad, reshape } from './shape.ts';

export type OpConverter = (node: TfjsNode, ctx: ConversionContext) => void;

export const OP_CONVERTERS: Readonly<Record<string, OpConverter>> = {
  Conv2D: conv2d,
  _FusedConv2D: fusedConv2d,
  DepthwiseConv2dNative: depthwiseConv2d,
  FusedDepthwiseConv2dNative: fusedDepthwiseConv2d,
  Conv2DBackpropInput: conv2dBackpropInput,
  MaxPool: maxPool,
  AvgPool: avgPool,
  MatMul: matMul,
  _FusedMatMul: fusedMatMul,
  ResizeBilinear: resizeBilinear,
  Add: binary('Add'),
  AddV2: binary('Add'),
  Sub: binary('Sub'),
  Mul: binary('Mul'),
  Maximum: binary('Max'),
  Minimum: binary('Min'),
  Prelu: binary('PRelu'),
  AddN: addN,
  Relu: unary('Relu'),
  Sigmoid: unary('Sigmoid'),
  Abs: unary('Abs'),
  Relu6: relu6,
  Square: square,
  Rsqrt: rsqrt,
  Identity: identity,
  Reshape: reshape,
  Pad: pad,
  ConcatV2: concat,
  Mean: mean,
  Softmax: softmax,
};

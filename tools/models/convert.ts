/**
 * tfjs graph model → ONNX (opset 17). The public input and outputs keep the
 * tfjs signature's NHWC shapes; inside, spatial ops run in NCHW with
 * transposes inserted only where a tensor crosses between the two layouts.
 */
import type { onnx } from 'onnx-proto';
import { ConversionContext, nodeLabel } from './conversion-context.ts';
import { encodeModelProto, type ShapeDim } from '../../app/main/onnx/onnx-builder.ts';
import { normaliseAxis } from './layout.ts';
import { OP_CONVERTERS } from './ops/index.ts';
import { parseTfjsGraph, type TfjsGraph, type TfjsModelJson, type TfjsNode } from './tfjs-graph.ts';

export const OPSET = 17;
export const PRODUCER_NAME = 'likeness-tfjs-to-onnx';
/** Bump when the converter's output changes, so manifests are regenerated deliberately. */
export const CONVERTER_VERSION = '1';

/** One ONNX output: a tfjs output tensor renamed, or several concatenated along `concatAxis`. */
export interface OutputSpec {
  name: string;
  from: string[];
  concatAxis?: number;
}

export interface ConversionOptions {
  graphName: string;
  inputName: string;
  outputs: OutputSpec[];
  docString?: string;
  metadata?: Record<string, string>;
}

/** "node:0" or "node" → "node"; other output indices are not produced by any supported op. */
function nodeOf(tensorName: string): string {
  const [node, index] = tensorName.split(':');
  if (index !== undefined && index !== '0') throw new Error(`output "${tensorName}": only output 0 of a node can be exported`);
  return node;
}

/** Nodes the outputs depend on, producers first; the order follows input order, so it is deterministic. */
function topologicalOrder(graph: TfjsGraph, roots: string[]): TfjsNode[] {
  const order: TfjsNode[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  for (const root of roots) {
    const stack: { node: TfjsNode; next: number }[] = [];
    const enter = (name: string, from: string): void => {
      const node = graph.nodes.get(name);
      if (!node) throw new Error(`"${from}" refers to "${name}", which is not in the graph`);
      const seen = state.get(name);
      if (seen === 'done') return;
      if (seen === 'visiting') throw new Error(`the graph has a cycle through "${name}"`);
      state.set(name, 'visiting');
      stack.push({ node, next: 0 });
    };
    enter(root, 'outputs');
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next < top.node.inputs.length) {
        enter(top.node.inputs[top.next++], top.node.name);
      } else {
        stack.pop();
        state.set(top.node.name, 'done');
        order.push(top.node);
      }
    }
  }
  return order;
}

function onnxShape(shape: number[], where: string): ShapeDim[] {
  return shape.map((d, i) => {
    if (d >= 0) return d;
    if (i === 0) return 'N';
    throw new Error(`${where}: only the batch dimension may be dynamic, shape is [${shape.join(',')}]`);
  });
}

function convertPlaceholder(node: TfjsNode, ctx: ConversionContext, options: ConversionOptions, placeholders: string[]): void {
  placeholders.push(node.name);
  if (placeholders.length > 1) throw new Error(`the graph has several inputs (${placeholders.join(', ')}); one is supported`);
  const shape = node.shape('shape');
  ctx.builder.addInput(options.inputName, onnxShape(shape, nodeLabel(node)));
  ctx.define(node.name, { kind: 'tensor', name: options.inputName, shape, layout: 'tf' });
}

function convertConst(node: TfjsNode, ctx: ConversionContext, graph: TfjsGraph): void {
  const tensor = graph.weights.get(node.name);
  if (!tensor) throw new Error(`${nodeLabel(node)} has no entry in the weights manifest`);
  ctx.define(node.name, { kind: 'constant', name: node.name, shape: tensor.shape, tensor });
}

function addOutput(ctx: ConversionContext, spec: OutputSpec): void {
  const values = spec.from.map((tensorName) => {
    const value = ctx.value(nodeOf(tensorName));
    if (value.kind === 'constant') throw new Error(`output "${spec.name}": "${tensorName}" is a constant`);
    return value;
  });
  const names = values.map((v) => ctx.inLayout(v, 'tf'));
  const [first] = values;
  if (values.length === 1) {
    ctx.builder.addOutputNode('Identity', names, spec.name, onnxShape(first.shape, `output "${spec.name}"`));
    return;
  }
  if (spec.concatAxis === undefined) throw new Error(`output "${spec.name}" joins ${values.length} tensors but has no concatAxis`);
  const axis = normaliseAxis(spec.concatAxis, first.shape.length, `output "${spec.name}"`);
  const shape = first.shape.map((d, i) => (i === axis ? values.reduce((sum, v) => sum + v.shape[i], 0) : d));
  ctx.builder.addOutputNode('Concat', names, spec.name, onnxShape(shape, `output "${spec.name}"`), { axis: { i: axis } });
}

export function convertTfjsGraph(graph: TfjsGraph, options: ConversionOptions): onnx.ModelProto {
  const ctx = new ConversionContext();
  ctx.builder.reserve(options.inputName);
  for (const spec of options.outputs) ctx.builder.reserve(spec.name);
  const placeholders: string[] = [];
  const roots = options.outputs.flatMap((spec) => spec.from.map(nodeOf));
  for (const node of topologicalOrder(graph, roots)) {
    if (node.op === 'Placeholder') convertPlaceholder(node, ctx, options, placeholders);
    else if (node.op === 'Const') convertConst(node, ctx, graph);
    else {
      const converter = OP_CONVERTERS[node.op];
      if (!converter) throw new Error(`Unsupported tfjs op "${node.op}" at node "${node.name}"`);
      converter(node, ctx);
    }
  }
  if (placeholders.length === 0) throw new Error('the outputs do not depend on any input');
  for (const spec of options.outputs) addOutput(ctx, spec);
  return ctx.builder.build({
    graphName: options.graphName,
    opset: OPSET,
    producerName: PRODUCER_NAME,
    producerVersion: CONVERTER_VERSION,
    docString: options.docString,
    metadata: options.metadata,
  });
}

/** Converts a model.json plus its concatenated weight shards into serialized ONNX bytes. */
export function convertTfjsModel(json: TfjsModelJson, weightData: Uint8Array, options: ConversionOptions): Uint8Array {
  return encodeModelProto(convertTfjsGraph(parseTfjsGraph(json, weightData), options));
}

/**
 * State shared by the op converters while one tfjs graph is converted: which
 * ONNX value (and in which physical layout) each tfjs node produced, constant
 * tensors kept on the side until an op needs them as an initializer, and
 * caches so a transpose or a re-laid-out constant is emitted once.
 */
import { OnnxGraphBuilder } from '../../app/main/onnx/onnx-builder.ts';
import { NCHW_TO_NHWC, NHWC_TO_NCHW, transposeData, type Layout } from './layout.ts';
import type { TfjsNode } from './tfjs-graph.ts';
import type { WeightTensor } from './tfjs-weights.ts';

/** A runtime tensor. `shape` is logical (TF order, -1 = dynamic batch); `layout` says how a rank-4 one is stored. */
export interface TensorValue {
  kind: 'tensor';
  name: string;
  shape: number[];
  layout: Layout;
}

/** A tfjs Const, materialised as an initializer only in the form an op asks for. */
export interface ConstantValue {
  kind: 'constant';
  name: string;
  shape: number[];
  tensor: WeightTensor;
}

export type GraphValue = TensorValue | ConstantValue;

export function nodeLabel(node: TfjsNode): string {
  return `node "${node.name}" (${node.op})`;
}

export class ConversionContext {
  readonly builder = new OnnxGraphBuilder();
  private readonly values = new Map<string, GraphValue>();
  private readonly relaidOut = new Map<string, string>();
  private readonly constants = new Map<string, string>();

  define(tfName: string, value: GraphValue): void {
    this.values.set(tfName, value);
  }

  defineTensor(node: TfjsNode, name: string, shape: number[], layout: Layout): void {
    this.define(node.name, { kind: 'tensor', name, shape, layout: shape.length === 4 ? layout : 'tf' });
  }

  value(tfName: string): GraphValue {
    const value = this.values.get(tfName);
    if (!value) throw new Error(`"${tfName}" was not converted`);
    return value;
  }

  input(node: TfjsNode, index: number, rank?: number): GraphValue {
    const source = node.inputs[index];
    if (source === undefined) throw new Error(`${nodeLabel(node)} has no input ${index}`);
    const outputIndex = node.inputOutputIndices[index];
    if (outputIndex !== 0)
      throw new Error(`${nodeLabel(node)} reads output ${outputIndex} of "${source}"; only single-output producers are supported`);
    const value = this.values.get(source);
    if (!value) throw new Error(`${nodeLabel(node)} reads "${source}", which was not converted`);
    if (rank !== undefined && value.shape.length !== rank) {
      throw new Error(`${nodeLabel(node)} expects a rank-${rank} input ${index}, got shape [${value.shape.join(',')}]`);
    }
    return value;
  }

  /** An input that must be computed at run time; a constant here would need constant folding, which the converter does not do. */
  runtimeInput(node: TfjsNode, index: number, rank?: number): TensorValue {
    const value = this.input(node, index, rank);
    if (value.kind === 'constant') throw new Error(`${nodeLabel(node)} has a constant input ${index}; constant folding is not supported`);
    return value;
  }

  /** Data of an input that must be known at conversion time (weights, shapes, axes, paddings). */
  constant(node: TfjsNode, index: number, what: string): WeightTensor {
    const value = this.input(node, index);
    if (value.kind !== 'constant') throw new Error(`${nodeLabel(node)} needs a constant ${what} (input ${index}), got a runtime tensor`);
    return value.tensor;
  }

  constantInts(node: TfjsNode, index: number, what: string): number[] {
    const tensor = this.constant(node, index, what);
    if (tensor.dtype !== 'int32') throw new Error(`${nodeLabel(node)} needs int32 ${what}, got ${tensor.dtype}`);
    return Array.from(tensor.data);
  }

  /** The ONNX name of `value` stored in `layout` (only rank-4 values have a choice). */
  inLayout(value: GraphValue, layout: Layout): string {
    if (value.kind === 'constant') return this.constantInitializer(value, value.shape.length === 4 ? layout : 'tf');
    if (value.shape.length !== 4 || value.layout === layout) return value.name;
    const key = `${value.name}\u0000${layout}`;
    const cached = this.relaidOut.get(key);
    if (cached) return cached;
    const perm = layout === 'nchw' ? NHWC_TO_NCHW : NCHW_TO_NHWC;
    const name = this.builder.addNode('Transpose', [value.name], `${value.name}/${layout === 'nchw' ? 'to_nchw' : 'to_nhwc'}`, {
      perm: { ints: perm },
    });
    this.relaidOut.set(key, name);
    return name;
  }

  /**
   * Layout an elementwise op over `operands` runs in: NCHW when a rank-4
   * operand already is NCHW and every other runtime operand is rank 4 too
   * (constants of lower rank can be re-laid out to broadcast the same way).
   */
  elementwiseLayout(operands: GraphValue[]): Layout {
    const tensors = operands.filter((v): v is TensorValue => v.kind === 'tensor');
    const anyNchw = tensors.some((v) => v.layout === 'nchw');
    const allRank4 = tensors.every((v) => v.shape.length === 4);
    const constantsFit = operands.every((v) => v.kind === 'tensor' || v.shape.length <= 4);
    return anyNchw && allRank4 && constantsFit ? 'nchw' : 'tf';
  }

  /** An operand of an op running in `layout`, broadcasting against rank-4 values the way TF broadcasts against NHWC. */
  operand(value: GraphValue, layout: Layout): string {
    if (layout === 'tf' || value.shape.length === 4 || value.shape.length === 0) return this.inLayout(value, layout);
    if (value.kind !== 'constant') throw new Error(`rank-${value.shape.length} runtime tensor "${value.name}" cannot broadcast in NCHW`);
    return this.constantInitializer(value, 'nchw');
  }

  /** The constant as stored: in TF order, or rank-lifted to 4 and re-laid out as NCHW. */
  private constantInitializer(value: ConstantValue, layout: Layout): string {
    const key = `${value.name}\u0000${layout}`;
    const cached = this.constants.get(key);
    if (cached) return cached;
    const { data } = value.tensor;
    let name: string;
    if (layout === 'tf') {
      name = this.builder.addInitializer(value.name, data, value.shape);
    } else {
      // Rank-lift to 4 by leading ones, exactly what NumPy broadcasting does implicitly, then move C forward.
      const shape4 = [...new Array<number>(4 - value.shape.length).fill(1), ...value.shape];
      const dims = NHWC_TO_NCHW.map((axis) => shape4[axis]);
      name = this.builder.addInitializer(`${value.name}/nchw`, transposeData(data, shape4, NHWC_TO_NCHW), dims);
    }
    this.constants.set(key, name);
    return name;
  }

  /** A derived initializer (re-laid-out weights, int64 shapes, scalars), cached under `key`. */
  initializer(key: string, create: () => string): string {
    const cached = this.constants.get(key);
    if (cached) return cached;
    const name = create();
    this.constants.set(key, name);
    return name;
  }

  int64Initializer(base: string, values: number[]): string {
    return this.initializer(`int64\u0000${base}\u0000${values.join(',')}`, () =>
      this.builder.addInitializer(
        base,
        BigInt64Array.from(values, (v) => BigInt(v)),
        [values.length],
      ),
    );
  }

  scalar(value: number): string {
    return this.initializer(`scalar\u0000${value}`, () => this.builder.addInitializer(`scalar_${value}`, Float32Array.of(value), []));
  }
}

/**
 * The one place ONNX files are built, for the model converter (tools/models) and the app's own
 * generator graphs alike, always through onnx-proto's schema (never by hand-encoding bytes).
 * Two ways in: `OnnxGraphBuilder`, which owns value naming (every name unique), initializers,
 * nodes and graph I/O for graphs assembled op by op; and `encodeModel`, which encodes a graph
 * written out whole as nodes and initializers (opset 17, float32 I/O).
 */
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';

const proto = onnxProto.onnx;
const { DataType } = proto.TensorProto;
const { AttributeType } = proto.AttributeProto;

/** IR version 8 is the one that goes with opset 17 (ONNX 1.12). */
const IR_VERSION = 8;

export type AttributeValue = { i: number } | { f: number } | { s: string } | { ints: number[] };

export type TensorData = Float32Array | Int32Array | BigInt64Array;

/** A static size, or a symbolic name such as "N" for a dynamic batch. */
export type ShapeDim = number | string;

export interface ModelOptions {
  graphName: string;
  opset: number;
  producerName: string;
  producerVersion: string;
  docString?: string;
  metadata?: Record<string, string>;
}

function littleEndianBytes(data: TensorData): Uint8Array {
  const bytes = new Uint8Array(data.length * data.BYTES_PER_ELEMENT);
  const view = new DataView(bytes.buffer);
  if (data instanceof Float32Array) data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  else if (data instanceof Int32Array) data.forEach((v, i) => view.setInt32(i * 4, v, true));
  else data.forEach((v, i) => view.setBigInt64(i * 8, v, true));
  return bytes;
}

function dataTypeOf(data: TensorData): onnx.TensorProto.DataType {
  if (data instanceof Float32Array) return DataType.FLOAT;
  if (data instanceof Int32Array) return DataType.INT32;
  return DataType.INT64;
}

function attribute(name: string, value: AttributeValue): onnx.AttributeProto {
  if ('i' in value) return new proto.AttributeProto({ name, type: AttributeType.INT, i: value.i });
  if ('f' in value) return new proto.AttributeProto({ name, type: AttributeType.FLOAT, f: value.f });
  if ('s' in value) return new proto.AttributeProto({ name, type: AttributeType.STRING, s: new TextEncoder().encode(value.s) });
  return new proto.AttributeProto({ name, type: AttributeType.INTS, ints: value.ints });
}

function valueInfo(name: string, elemType: onnx.TensorProto.DataType, shape: ShapeDim[]): onnx.ValueInfoProto {
  const dim = shape.map((d) => new proto.TensorShapeProto.Dimension(typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  const tensorType = new proto.TypeProto.Tensor({ elemType, shape: new proto.TensorShapeProto({ dim }) });
  return new proto.ValueInfoProto({ name, type: new proto.TypeProto({ tensorType }) });
}

export class OnnxGraphBuilder {
  private readonly names = new Set<string>();
  private readonly reserved = new Set<string>();
  private readonly nodes: onnx.NodeProto[] = [];
  private readonly initializers: onnx.TensorProto[] = [];
  private readonly inputs: onnx.ValueInfoProto[] = [];
  private readonly outputs: onnx.ValueInfoProto[] = [];

  /** Keeps `name` (a public input or output name) away from every generated name until it is claimed. */
  reserve(name: string): void {
    if (this.names.has(name)) throw new Error(`name "${name}" is used twice`);
    this.names.add(name);
    this.reserved.add(name);
  }

  /** Reserves `base`, or `base_1`, `base_2`… if taken. */
  uniqueName(base: string): string {
    let name = base;
    for (let n = 1; this.names.has(name); n++) name = `${base}_${n}`;
    this.names.add(name);
    return name;
  }

  addInitializer(base: string, data: TensorData, dims: number[]): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== data.length) throw new Error(`initializer "${base}": ${data.length} values for shape [${dims.join(',')}]`);
    const name = this.uniqueName(base);
    this.initializers.push(new proto.TensorProto({ name, dims, dataType: dataTypeOf(data), rawData: littleEndianBytes(data) }));
    return name;
  }

  /** Adds a single-output node named after its output; returns the output name. */
  addNode(opType: string, inputs: string[], outputBase: string, attributes: Record<string, AttributeValue> = {}): string {
    const output = this.uniqueName(outputBase);
    this.pushNode(opType, inputs, output, attributes);
    return output;
  }

  /** Declares the float graph input under its reserved name. */
  addInput(name: string, shape: ShapeDim[]): void {
    this.claim(name);
    this.inputs.push(valueInfo(name, DataType.FLOAT, shape));
  }

  /** Adds the node producing a float graph output under its reserved name. */
  addOutputNode(opType: string, inputs: string[], name: string, shape: ShapeDim[], attributes: Record<string, AttributeValue> = {}): void {
    this.claim(name);
    this.pushNode(opType, inputs, name, attributes);
    this.outputs.push(valueInfo(name, DataType.FLOAT, shape));
  }

  private claim(name: string): void {
    if (!this.reserved.delete(name)) throw new Error(`"${name}" was not reserved, or is already in use`);
  }

  private pushNode(opType: string, inputs: string[], output: string, attributes: Record<string, AttributeValue>): void {
    const attrs = Object.entries(attributes).map(([name, value]) => attribute(name, value));
    this.nodes.push(new proto.NodeProto({ name: output, opType, input: inputs, output: [output], attribute: attrs }));
  }

  build(options: ModelOptions): onnx.ModelProto {
    const graph = new proto.GraphProto({
      name: options.graphName,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs,
      output: this.outputs,
    });
    const metadataProps = Object.entries(options.metadata ?? {}).map(([key, value]) => new proto.StringStringEntryProto({ key, value }));
    return new proto.ModelProto({
      irVersion: IR_VERSION,
      opsetImport: [new proto.OperatorSetIdProto({ domain: '', version: options.opset })],
      producerName: options.producerName,
      producerVersion: options.producerVersion,
      docString: options.docString ?? '',
      graph,
      metadataProps,
    });
  }
}

export function encodeModelProto(model: onnx.ModelProto): Uint8Array {
  return proto.ModelProto.encode(model).finish();
}

export interface GraphSpec {
  readonly name: string;
  readonly inputs: readonly { name: string; dims: readonly ShapeDim[] }[];
  readonly outputs: readonly { name: string; dims: readonly ShapeDim[] }[];
  readonly nodes: readonly onnx.INodeProto[];
  readonly initializers: readonly onnx.ITensorProto[];
}

/** Encodes a whole float32 graph at opset 17, produced by "likeness". */
export function encodeModel(graph: GraphSpec): Uint8Array {
  const info = (v: { name: string; dims: readonly ShapeDim[] }): onnx.IValueInfoProto => ({
    name: v.name,
    type: {
      tensorType: {
        elemType: DataType.FLOAT,
        shape: { dim: v.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
  const model = proto.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'likeness',
    graph: {
      name: graph.name,
      node: [...graph.nodes],
      initializer: [...graph.initializers],
      input: graph.inputs.map(info),
      output: graph.outputs.map(info),
    },
  });
  return proto.ModelProto.encode(model).finish();
}

export function floatTensor(name: string, dims: readonly number[], values: Float32Array): onnx.ITensorProto {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (values.length !== expected) throw new Error(`${name}: ${values.length} values for dims [${dims.join(', ')}]`);
  // rawData is little-endian float32, which is what a Float32Array holds on every platform Node runs on.
  return { name, dims: [...dims], dataType: DataType.FLOAT, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

export function int64Tensor(name: string, values: readonly number[]): onnx.ITensorProto {
  return { name, dims: [values.length], dataType: DataType.INT64, int64Data: [...values] };
}

/** A node for `encodeModel`, named after its first output. */
export function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attributes: onnx.IAttributeProto[] = [],
): onnx.INodeProto {
  return { opType, input: [...inputs], output: [...outputs], name: `${opType}_${outputs[0]}`, attribute: attributes };
}

export function floatAttribute(name: string, value: number): onnx.IAttributeProto {
  return { name, type: AttributeType.FLOAT, f: value };
}

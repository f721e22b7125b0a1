import onnxProto, { type onnx } from 'onnx-proto';

const proto = onnxProto.onnx;
const FLOAT = proto.TensorProto.DataType.FLOAT;
const INT64 = proto.TensorProto.DataType.INT64;

type Dim = number | string;

export interface GraphSpec {
  readonly name: string;
  readonly inputs: readonly { name: string; dims: readonly Dim[] }[];
  readonly outputs: readonly { name: string; dims: readonly Dim[] }[];
  readonly nodes: readonly onnx.INodeProto[];
  readonly initializers: readonly onnx.ITensorProto[];
}

/** Builds ONNX models through the protobuf schema (never by hand-encoding bytes). Opset 17, float32 graphs. */
export function encodeModel(graph: GraphSpec): Uint8Array {
  const valueInfo = (v: { name: string; dims: readonly Dim[] }): onnx.IValueInfoProto => ({
    name: v.name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: v.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
  const model = proto.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'likeness',
    graph: {
      name: graph.name,
      node: [...graph.nodes],
      initializer: [...graph.initializers],
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
    },
  });
  return proto.ModelProto.encode(model).finish();
}

export function floatTensor(name: string, dims: readonly number[], values: Float32Array): onnx.ITensorProto {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (values.length !== expected) throw new Error(`${name}: ${values.length} values for dims [${dims.join(', ')}]`);
  // rawData is little-endian float32, which is what a Float32Array holds on every platform Node runs on.
  return { name, dims: [...dims], dataType: FLOAT, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

export function int64Tensor(name: string, values: readonly number[]): onnx.ITensorProto {
  return { name, dims: [values.length], dataType: INT64, int64Data: [...values] };
}

export function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attributes: onnx.IAttributeProto[] = [],
): onnx.INodeProto {
  return { opType, input: [...inputs], output: [...outputs], name: `${opType}_${outputs[0]}`, attribute: attributes };
}

export function floatAttribute(name: string, value: number): onnx.IAttributeProto {
  return { name, type: proto.AttributeProto.AttributeType.FLOAT, f: value };
}

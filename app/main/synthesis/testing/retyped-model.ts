import onnxProto from 'onnx-proto';
import { node } from '../../onnx/onnx-builder.ts';

const proto = onnxProto.onnx;
const FLOAT = proto.TensorProto.DataType.FLOAT;

export type ForeignType = 'FLOAT16' | 'INT64';

/**
 * The model with one graph input or output declared as another element type and bridged to the
 * float32 graph with a Cast, so it stays a valid model onnxruntime loads: what a half-precision or
 * integer export of a pack's model looks like.
 */
export function retypeModel(bytes: Uint8Array, tensor: string, type: ForeignType): Uint8Array {
  const model = proto.ModelProto.decode(bytes);
  const graph = model.graph!;
  const nodes = graph.node ?? [];
  const elemType = proto.TensorProto.DataType[type];
  const bridged = `${tensor}_as_float`;
  const to = (t: number) => [{ name: 'to', type: proto.AttributeProto.AttributeType.INT, i: t }];
  const input = graph.input?.find((v) => v.name === tensor);
  const output = graph.output?.find((v) => v.name === tensor);
  if (input) {
    for (const n of nodes) n.input = n.input?.map((name) => (name === tensor ? bridged : name));
    graph.node = [node('Cast', [tensor], [bridged], to(FLOAT)), ...nodes];
    input.type!.tensorType!.elemType = elemType;
  } else if (output) {
    for (const n of nodes) n.output = n.output?.map((name) => (name === tensor ? bridged : name));
    graph.node = [...nodes, node('Cast', [bridged], [tensor], to(elemType))];
    output.type!.tensorType!.elemType = elemType;
  } else {
    throw new Error(`the model has no input or output "${tensor}"`);
  }
  return proto.ModelProto.encode(model).finish();
}

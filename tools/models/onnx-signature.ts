/** The public inputs and outputs an ONNX model declares, read back from its ModelProto. */
import type { onnx } from 'onnx-proto';
import type { ShapeDim } from './onnx-graph-builder.ts';

export interface TensorSignature {
  name: string;
  shape: ShapeDim[];
}

function signature(info: onnx.IValueInfoProto): TensorSignature {
  const dims = info.type?.tensorType?.shape?.dim ?? [];
  return {
    name: info.name ?? '',
    shape: dims.map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue))),
  };
}

export function graphSignature(model: onnx.IModelProto): { inputs: TensorSignature[]; outputs: TensorSignature[] } {
  const graph = model.graph;
  if (!graph) throw new Error('the model has no graph');
  return { inputs: (graph.input ?? []).map(signature), outputs: (graph.output ?? []).map(signature) };
}

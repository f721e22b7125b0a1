import { readFile } from 'node:fs/promises';
import onnxProto, { type onnx } from 'onnx-proto';

const proto = onnxProto.onnx;

export interface TensorSignature {
  readonly name: string;
  readonly dtype: string;
  /** A number for a fixed size; a string for a symbolic one ('batch', 'N', or '?' when unnamed). */
  readonly dims: readonly (number | string)[];
}

export interface ModelSignature {
  readonly inputs: readonly TensorSignature[];
  readonly outputs: readonly TensorSignature[];
  readonly opsets: readonly number[];
}

const dtypeNames: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  6: 'int32',
  7: 'int64',
  9: 'bool',
  10: 'float16',
  11: 'float64',
};

/**
 * Reads the declared graph inputs and outputs from the ONNX file itself, without a runtime
 * session, so a pack or a model can be checked (and rejected) before anything is loaded.
 */
export async function readModelSignature(path: string): Promise<ModelSignature> {
  const bytes = await readFile(path);
  if (bytes.byteLength === 0) throw new Error('the file is empty');
  let model: onnx.ModelProto;
  try {
    model = proto.ModelProto.decode(bytes);
  } catch (error) {
    // protobufjs reports a file cut short as a bare RangeError "index out of range: offset + length > size".
    if (error instanceof RangeError)
      throw new Error(`it is truncated: its ${bytes.byteLength} bytes end inside a record (${error.message})`, { cause: error });
    throw new Error(`its bytes are not an ONNX protobuf (${(error as Error).message})`, { cause: error });
  }
  return modelSignature(model);
}

/** The signature of a model already in memory (one just built, say). */
export function modelSignature(model: onnx.IModelProto): ModelSignature {
  const graph = model.graph;
  if (!graph) throw new Error('the file holds no ONNX graph');
  // Older exporters list initializers among the inputs; those are weights, not feeds.
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const inputs = (graph.input ?? []).filter((v) => !initializers.has(v.name)).map(describe);
  return {
    inputs,
    outputs: (graph.output ?? []).map(describe),
    opsets: (model.opsetImport ?? []).filter((o) => !o.domain).map((o) => Number(o.version)),
  };
}

function describe(value: onnx.IValueInfoProto): TensorSignature {
  const tensor = value.type?.tensorType;
  const elemType = Number(tensor?.elemType ?? 0);
  const dims = (tensor?.shape?.dim ?? []).map((d) => {
    if (d.dimValue !== null && d.dimValue !== undefined && Number(d.dimValue) > 0) return Number(d.dimValue);
    return d.dimParam || '?';
  });
  return { name: value.name ?? '', dtype: tensor ? (dtypeNames[elemType] ?? `onnx-type-${elemType}`) : 'non-tensor', dims };
}

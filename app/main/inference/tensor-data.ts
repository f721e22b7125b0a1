/** A tensor as it crosses the worker boundary: plain typed array plus shape, no onnxruntime objects. */
export type TensorArray = Float32Array | Uint8Array | Int32Array | BigInt64Array;
export type TensorType = 'float32' | 'uint8' | 'int32' | 'int64';

export interface TensorData {
  readonly type: TensorType;
  readonly dims: readonly number[];
  readonly data: TensorArray;
}

export type TensorMap = Record<string, TensorData>;

export interface TensorInfo {
  readonly name: string;
  readonly type: string;
  /** Symbolic dimensions (a dynamic batch) come back as their name. */
  readonly shape: readonly (number | string)[];
}

export function float32Tensor(data: Float32Array, dims: readonly number[]): TensorData {
  const expected = dims.reduce((n, d) => n * d, 1);
  if (expected !== data.length) throw new RangeError(`tensor of ${data.length} values cannot have shape [${dims.join(', ')}]`);
  return { type: 'float32', dims, data };
}

/** The buffers to hand over in a `postMessage`; a view over part of a buffer is left to be copied. */
export function transferables(tensors: TensorMap): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const tensor of Object.values(tensors)) {
    const { buffer, byteOffset, byteLength } = tensor.data;
    if (buffer instanceof ArrayBuffer && byteOffset === 0 && byteLength === buffer.byteLength) out.add(buffer);
  }
  return [...out];
}

/** The element types a checkpoint's tensors may hold; generators are read as float32. */
export type StorageDtype = 'float32' | 'float16' | 'bfloat16' | 'float64' | 'int64' | 'int32' | 'uint8' | 'int8' | 'bool';

export const STORAGE_TYPES: Readonly<Record<string, StorageDtype>> = {
  FloatStorage: 'float32',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  DoubleStorage: 'float64',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ByteStorage: 'uint8',
  CharStorage: 'int8',
  BoolStorage: 'bool',
};

export const ELEMENT_SIZE: Readonly<Record<StorageDtype, number>> = {
  float32: 4,
  float16: 2,
  bfloat16: 2,
  float64: 8,
  int64: 8,
  int32: 4,
  uint8: 1,
  int8: 1,
  bool: 1,
};

/**
 * A storage: raw little-endian bytes of one dtype. Tensors are views on it. A legacy torch file
 * stores the bytes after the pickle that names them, so they may be filled in after the tensors exist.
 */
export interface CheckpointStorage {
  readonly kind: 'storage';
  readonly dtype: StorageDtype;
  bytes: Uint8Array;
}

/** A strided view on a storage, as torch pickles it (`_rebuild_tensor_v2`). */
export class CheckpointTensor {
  readonly kind = 'tensor';
  constructor(
    readonly storage: CheckpointStorage,
    readonly offset: number,
    readonly shape: readonly number[],
    readonly strides: readonly number[],
  ) {
    if (shape.length !== strides.length) throw new Error(`tensor has shape [${shape}] but strides [${strides}]`);
  }

  /** Every element the view reaches lies inside the storage. */
  #checkBounds(): void {
    const { shape, strides, offset, storage } = this;
    const elements = storage.bytes.length / ELEMENT_SIZE[storage.dtype];
    if (shape.some((d) => d === 0)) return;
    const last = offset + shape.reduce((sum, d, i) => sum + (d - 1) * strides[i]!, 0);
    if (!Number.isInteger(elements) || offset < 0 || last >= elements || strides.some((s) => s < 0)) {
      throw new Error(`tensor [${shape}] with strides [${strides}] at offset ${offset} lies outside its storage of ${elements} elements`);
    }
  }

  get dtype(): StorageDtype {
    return this.storage.dtype;
  }

  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  /** The values in row-major order, converted to float32 (strides and offset applied). */
  toFloat32(): Float32Array {
    this.#checkBounds();
    const read = elementReader(this.storage);
    const out = new Float32Array(this.size);
    const rank = this.shape.length;
    const index = new Array<number>(rank).fill(0);
    let source = this.offset;
    for (let i = 0; i < out.length; i += 1) {
      out[i] = read(source);
      for (let d = rank - 1; d >= 0; d -= 1) {
        index[d] += 1;
        source += this.strides[d]!;
        if (index[d]! < this.shape[d]!) break;
        source -= this.strides[d]! * this.shape[d]!;
        index[d] = 0;
      }
    }
    return out;
  }
}

function elementReader(storage: CheckpointStorage): (i: number) => number {
  const { bytes } = storage;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (storage.dtype) {
    case 'float32':
      return (i) => view.getFloat32(4 * i, true);
    case 'float64':
      return (i) => view.getFloat64(8 * i, true);
    case 'float16':
      return (i) => halfToFloat(view.getUint16(2 * i, true));
    case 'bfloat16': {
      const scratch = new DataView(new ArrayBuffer(4));
      return (i) => {
        scratch.setUint32(0, view.getUint16(2 * i, true) << 16);
        return scratch.getFloat32(0);
      };
    }
    case 'int64':
      return (i) => Number(view.getBigInt64(8 * i, true));
    case 'int32':
      return (i) => view.getInt32(4 * i, true);
    case 'int8':
      return (i) => view.getInt8(i);
    case 'uint8':
    case 'bool':
      return (i) => view.getUint8(i);
  }
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

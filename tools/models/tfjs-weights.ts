/**
 * Decoding of a tfjs weights buffer into float32/int32 arrays, including the
 * dequantization tfjs applies when the converter stored weights as float16 or
 * as affine uint8/uint16 (value = q * scale + min).
 */

export type TfjsWeightDtype = 'float32' | 'int32';

export interface TfjsQuantization {
  dtype: 'float16' | 'uint8' | 'uint16';
  scale?: number;
  min?: number;
  original_dtype?: TfjsWeightDtype;
}

export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: TfjsWeightDtype | string;
  quantization?: TfjsQuantization;
}

export interface WeightTensor {
  dtype: TfjsWeightDtype;
  shape: number[];
  data: Float32Array | Int32Array;
}

const QUANTIZED_BYTES: Record<TfjsQuantization['dtype'], number> = { float16: 2, uint8: 1, uint16: 2 };

let halfTable: Float32Array | undefined;

/** Every float16 bit pattern mapped to its exact float32 value (binary16 → binary32 is lossless). */
function float16Table(): Float32Array {
  if (halfTable) return halfTable;
  const table = new Float32Array(65536);
  for (let bits = 0; bits < 65536; bits++) {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >> 10) & 0x1f;
    const fraction = bits & 0x3ff;
    if (exponent === 0) table[bits] = sign * fraction * 2 ** -24;
    else if (exponent === 31) table[bits] = fraction === 0 ? sign * Infinity : NaN;
    else table[bits] = sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  }
  halfTable = table;
  return table;
}

/** Float16 words (little-endian) to float32. */
function decodeFloat16(bytes: Uint8Array): Float32Array {
  const table = float16Table();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength / 2);
  for (let i = 0; i < out.length; i++) out[i] = table[view.getUint16(i * 2, true)];
  return out;
}

function elementCount(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function byteLength(spec: TfjsWeightSpec): number {
  const bytesPerElement = spec.quantization ? QUANTIZED_BYTES[spec.quantization.dtype] : 4;
  if (bytesPerElement === undefined) throw new Error(`weight "${spec.name}": unsupported quantization dtype "${spec.quantization?.dtype}"`);
  return elementCount(spec.shape) * bytesPerElement;
}

function decodeOne(spec: TfjsWeightSpec, bytes: Uint8Array): WeightTensor {
  if (spec.dtype !== 'float32' && spec.dtype !== 'int32') {
    throw new Error(`weight "${spec.name}": unsupported dtype "${spec.dtype}"`);
  }
  const dtype = spec.dtype;
  const count = elementCount(spec.shape);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const quantization = spec.quantization;
  if (!quantization) {
    const data = dtype === 'float32' ? new Float32Array(count) : new Int32Array(count);
    for (let i = 0; i < count; i++) data[i] = dtype === 'float32' ? view.getFloat32(i * 4, true) : view.getInt32(i * 4, true);
    return { dtype, shape: spec.shape, data };
  }
  if (quantization.dtype === 'float16') {
    if (dtype !== 'float32') throw new Error(`weight "${spec.name}": float16 quantization of ${dtype} is not supported`);
    return { dtype, shape: spec.shape, data: decodeFloat16(bytes) };
  }
  const scale = quantization.scale;
  const min = quantization.min;
  if (scale === undefined || min === undefined)
    throw new Error(`weight "${spec.name}": ${quantization.dtype} quantization without scale/min`);
  const read = quantization.dtype === 'uint8' ? (i: number) => view.getUint8(i) : (i: number) => view.getUint16(i * 2, true);
  // Same arithmetic as tfjs: the affine map is evaluated in double precision, then stored (rounded, for int32).
  if (dtype === 'int32')
    return { dtype, shape: spec.shape, data: Int32Array.from({ length: count }, (_, i) => Math.round(read(i) * scale + min)) };
  return { dtype, shape: spec.shape, data: Float32Array.from({ length: count }, (_, i) => read(i) * scale + min) };
}

/** Splits one contiguous weights buffer (all manifest groups concatenated in order) into named tensors. */
export function decodeWeights(specs: TfjsWeightSpec[], buffer: Uint8Array): Map<string, WeightTensor> {
  const weights = new Map<string, WeightTensor>();
  let offset = 0;
  for (const spec of specs) {
    const size = byteLength(spec);
    if (offset + size > buffer.byteLength) {
      throw new Error(`weight "${spec.name}" needs bytes ${offset}..${offset + size} but the weights data has ${buffer.byteLength}`);
    }
    weights.set(spec.name, decodeOne(spec, buffer.subarray(offset, offset + size)));
    offset += size;
  }
  if (offset !== buffer.byteLength) throw new Error(`weights data has ${buffer.byteLength} bytes, the manifest describes ${offset}`);
  return weights;
}

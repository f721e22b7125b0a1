/**
 * NHWC ↔ NCHW bookkeeping. The converted graph keeps TF's NHWC at its inputs
 * and outputs and runs spatial ops in NCHW, so rank-4 activations carry a
 * physical layout while every shape the converter reasons about stays in TF
 * (logical NHWC) order.
 */

export type Layout = 'tf' | 'nchw';

export const NHWC_TO_NCHW = [0, 3, 1, 2];
export const NCHW_TO_NHWC = [0, 2, 3, 1];

/** Position of a (non-negative) NHWC axis in NCHW. */
export function nchwAxis(tfAxis: number): number {
  return NHWC_TO_NCHW.indexOf(tfAxis);
}

export function normaliseAxis(axis: number, rank: number, where: string): number {
  const normalised = axis < 0 ? axis + rank : axis;
  if (normalised < 0 || normalised >= rank) throw new Error(`${where}: axis ${axis} is out of range for rank ${rank}`);
  return normalised;
}

export function permute<T>(values: readonly T[], perm: readonly number[]): T[] {
  return perm.map((p) => values[p]);
}

/** Row-major transpose of constant data: output axis i is input axis perm[i]. */
export function transposeData<T extends Float32Array | Int32Array>(data: T, shape: readonly number[], perm: readonly number[]): T {
  const rank = shape.length;
  const outShape = permute(shape, perm);
  const inStrides = new Array<number>(rank);
  for (let i = rank - 1, stride = 1; i >= 0; i--) {
    inStrides[i] = stride;
    stride *= shape[i];
  }
  const strideForOut = permute(inStrides, perm);
  const out = new (data.constructor as new (length: number) => T)(data.length);
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < data.length; o++) {
    let source = 0;
    for (let i = 0; i < rank; i++) source += index[i] * strideForOut[i];
    out[o] = data[source];
    for (let i = rank - 1; i >= 0; i--) {
      if (++index[i] < outShape[i]) break;
      index[i] = 0;
    }
  }
  return out;
}

/** NumPy/TF broadcasting of logical shapes; -1 (dynamic batch) stays -1 unless the other side fixes it. */
export function broadcastShapes(a: readonly number[], b: readonly number[], where: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x === y || y === 1) out.push(x);
    else if (x === 1) out.push(y);
    else if (x === -1 || y === -1) out.push(Math.max(x, y));
    else throw new Error(`${where}: shapes [${a.join(',')}] and [${b.join(',')}] do not broadcast`);
  }
  return out;
}

import type { AppearanceLayer } from './appearance-model.ts';
import { dot, invertSpd } from '../math/dense-linear-algebra.ts';
import { yieldToEventLoop } from '../../core/event-loop.ts';

/**
 * encoder = (WᵀW)⁻¹Wᵀ over the model's basis at output size: the exact least-squares projection,
 * so encode(decode(code)) = code and inverting a face loses only what the model cannot hold.
 * It yields after each row: the whole solve takes about half a second on the host's main thread.
 */
export async function leastSquaresEncoder(
  layers: readonly AppearanceLayer[],
  width: number,
  mean: Float32Array,
  pOut: number,
): Promise<{ encoder: Float32Array; encoderBias: Float32Array }> {
  const slots: { index: number; vector: SparseVector }[] = [];
  layers.forEach((layer, l) => layer.basis.forEach((vector, j) => slots.push({ index: l * width + j, vector: sparse(vector) })));
  const d = slots.length;
  const gram = new Float64Array(d * d);
  for (let a = 0; a < d; a += 1) {
    const dense = layers[Math.floor(slots[a].index / width)].basis[slots[a].index % width];
    for (let b = a; b < d; b += 1) {
      const v = sparseDot(slots[b].vector, dense);
      gram[a * d + b] = v;
      gram[b * d + a] = v;
    }
    await yieldToEventLoop();
  }
  // A whisper of ridge keeps the solve stable where soft region masks overlap.
  let trace = 0;
  for (let a = 0; a < d; a += 1) trace += gram[a * d + a];
  for (let a = 0; a < d; a += 1) gram[a * d + a] += (1e-6 * trace) / d;
  const inverse = invertSpd(gram, d);
  const total = layers.length * width;
  const encoder = new Float32Array(total * pOut);
  const encoderBias = new Float32Array(total);
  for (let a = 0; a < d; a += 1) {
    const row = encoder.subarray(slots[a].index * pOut, (slots[a].index + 1) * pOut);
    for (let b = 0; b < d; b += 1) {
      const { indices, values } = slots[b].vector;
      const w = inverse[a * d + b];
      for (let s = 0; s < indices.length; s += 1) row[indices[s]] += w * values[s];
    }
    encoderBias[slots[a].index] = -dot(row, mean);
    await yieldToEventLoop();
  }
  return { encoder, encoderBias };
}

/** Region basis images are zero outside their region: keeping only the rest makes the solve above cheap. */
interface SparseVector {
  readonly indices: Uint32Array;
  readonly values: Float32Array;
}

function sparse(vector: Float32Array): SparseVector {
  let count = 0;
  for (let i = 0; i < vector.length; i += 1) if (vector[i] !== 0) count += 1;
  const indices = new Uint32Array(count);
  const values = new Float32Array(count);
  for (let i = 0, s = 0; i < vector.length; i += 1) {
    if (vector[i] === 0) continue;
    indices[s] = i;
    values[s] = vector[i];
    s += 1;
  }
  return { indices, values };
}

function sparseDot(a: SparseVector, dense: Float32Array): number {
  let sum = 0;
  for (let s = 0; s < a.indices.length; s += 1) sum += a.values[s] * dense[a.indices[s]];
  return sum;
}

import { symmetricEigen } from './dense-linear-algebra.ts';
import { SeededRandom } from '../../core/seeded-random.ts';

export interface PcaResult {
  /** Unit-norm principal axes, strongest first. */
  readonly components: Float32Array[];
  /** Variance of the data along each axis (per sample). */
  readonly variances: number[];
}

/**
 * Top-k principal axes of already-centred rows (n × p, row-major) by randomized subspace
 * iteration (Halko, Martinsson & Tropp 2011). It costs four passes over the data, about
 * n·p·(k+6) multiply-adds each, instead of an n×n or p×p eigenproblem; seeded, so a refit of
 * the same faces gives the same basis.
 */
export function randomizedPca(rows: Float32Array, n: number, p: number, k: number, seed = 7, powerIterations = 1): PcaResult {
  const rank = Math.min(k, n, p);
  if (rank <= 0) return { components: [], variances: [] };
  const l = Math.min(rank + 6, n, p);
  const random = new SeededRandom(seed);
  let basis: Float32Array = new Float32Array(p * l).map(() => random.normal());
  let range = multiply(rows, n, p, basis, l);
  orthonormalizeColumns(range, n, l);
  for (let it = 0; it < powerIterations; it += 1) {
    basis = multiplyTransposed(rows, n, p, range, l);
    orthonormalizeColumns(basis, p, l);
    range = multiply(rows, n, p, basis, l);
    orthonormalizeColumns(range, n, l);
  }
  // B = Qᵀ X (l × p, stored transposed as p × l); its right singular vectors are the axes.
  const bt = multiplyTransposed(rows, n, p, range, l);
  const gram = new Float64Array(l * l);
  for (let j = 0; j < p; j += 1) {
    const row = j * l;
    for (let a = 0; a < l; a += 1) {
      const va = bt[row + a];
      if (va === 0) continue;
      for (let b = a; b < l; b += 1) gram[a * l + b] += va * bt[row + b];
    }
  }
  for (let a = 0; a < l; a += 1) for (let b = 0; b < a; b += 1) gram[a * l + b] = gram[b * l + a];
  const { values, vectors } = symmetricEigen(gram, l);
  const components: Float32Array[] = [];
  const variances: number[] = [];
  for (let c = 0; c < rank; c += 1) {
    const sigma = Math.sqrt(Math.max(values[c], 0));
    if (sigma < 1e-9) break;
    const u = vectors[c];
    const axis = new Float32Array(p);
    for (let j = 0; j < p; j += 1) {
      let s = 0;
      const row = j * l;
      for (let a = 0; a < l; a += 1) s += bt[row + a] * u[a];
      axis[j] = s / sigma;
    }
    components.push(axis);
    variances.push(values[c] / n);
  }
  return { components, variances };
}

/** X (n × p) · M (p × l) → n × l */
function multiply(x: Float32Array, n: number, p: number, m: Float32Array, l: number): Float32Array {
  const out = new Float32Array(n * l);
  const acc = new Float64Array(l);
  for (let i = 0; i < n; i += 1) {
    acc.fill(0);
    const xr = i * p;
    for (let j = 0; j < p; j += 1) {
      const v = x[xr + j];
      if (v === 0) continue;
      const mr = j * l;
      for (let c = 0; c < l; c += 1) acc[c] += v * m[mr + c];
    }
    out.set(acc, i * l);
  }
  return out;
}

/** Xᵀ (p × n) · Y (n × l) → p × l */
function multiplyTransposed(x: Float32Array, n: number, p: number, y: Float32Array, l: number): Float32Array {
  const out = new Float32Array(p * l);
  for (let i = 0; i < n; i += 1) {
    const xr = i * p;
    const yr = i * l;
    for (let j = 0; j < p; j += 1) {
      const v = x[xr + j];
      if (v === 0) continue;
      const or = j * l;
      for (let c = 0; c < l; c += 1) out[or + c] += v * y[yr + c];
    }
  }
  return out;
}

/** Modified Gram-Schmidt on the l columns of a rows × l matrix; a vanishing column becomes zero. */
function orthonormalizeColumns(m: Float32Array, rows: number, l: number): void {
  for (let c = 0; c < l; c += 1) {
    for (let pass = 0; pass < 2; pass += 1) {
      for (let d = 0; d < c; d += 1) {
        let s = 0;
        for (let r = 0; r < rows; r += 1) s += m[r * l + c] * m[r * l + d];
        for (let r = 0; r < rows; r += 1) m[r * l + c] -= s * m[r * l + d];
      }
    }
    let norm = 0;
    for (let r = 0; r < rows; r += 1) norm += m[r * l + c] ** 2;
    norm = Math.sqrt(norm);
    for (let r = 0; r < rows; r += 1) m[r * l + c] = norm > 1e-12 ? m[r * l + c] / norm : 0;
  }
}

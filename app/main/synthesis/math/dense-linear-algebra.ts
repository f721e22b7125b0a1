/**
 * The few dense linear-algebra steps the appearance model needs, on small matrices (tens to a
 * few hundred rows). Row-major Float64Array, n×n unless stated.
 */

/** Orthonormalises vectors in place (modified Gram-Schmidt, twice for stability); drops ones that vanish. */
export function orthonormalize(vectors: Float32Array[], against: readonly Float32Array[] = []): Float32Array[] {
  const kept: Float32Array[] = [];
  for (const v of vectors) {
    const before = Math.sqrt(dot(v, v));
    for (let pass = 0; pass < 2; pass += 1) {
      for (const u of [...against, ...kept]) axpy(-dot(u, v), u, v);
    }
    const norm = Math.sqrt(dot(v, v));
    if (norm <= 1e-6 * Math.max(before, 1e-12)) continue;
    for (let i = 0; i < v.length; i += 1) v[i] /= norm;
    kept.push(v);
  }
  return kept;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s0 = 0;
  let s1 = 0;
  const n = a.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
  }
  if (i < n) s0 += a[i] * b[i];
  return s0 + s1;
}

/** y += alpha * x */
export function axpy(alpha: number, x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < y.length; i += 1) y[i] += alpha * x[i];
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations: exact enough and simple
 * for the l×l problems of a randomized PCA. Returns eigenvalues descending with their vectors
 * as rows.
 */
export function symmetricEigen(matrix: Float64Array, n: number): { values: number[]; vectors: Float64Array[] } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep += 1) {
    let off = 0;
    for (let p = 0; p < n; p += 1) for (let q = p + 1; q < n; q += 1) off += a[p * n + q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p += 1) {
      for (let q = p + 1; q < n; q += 1) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k += 1) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k += 1) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k += 1) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j] - a[i * n + i]);
  return {
    values: order.map((i) => a[i * n + i]),
    vectors: order.map((i) => Float64Array.from({ length: n }, (_, k) => v[k * n + i])),
  };
}

/** Inverse of a symmetric positive-definite matrix via Cholesky; throws if it is not positive definite. */
export function invertSpd(matrix: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let sum = matrix[i * n + j];
      for (let k = 0; k < j; k += 1) sum -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (sum <= 0) throw new Error('matrix is not positive definite');
        l[i * n + i] = Math.sqrt(sum);
      } else {
        l[i * n + j] = sum / l[j * n + j];
      }
    }
  }
  // inv(L), lower triangular, then inv(A) = inv(L)^T inv(L).
  const li = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    li[i * n + i] = 1 / l[i * n + i];
    for (let j = 0; j < i; j += 1) {
      let sum = 0;
      for (let k = j; k < i; k += 1) sum -= l[i * n + k] * li[k * n + j];
      li[i * n + j] = sum / l[i * n + i];
    }
  }
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let sum = 0;
      for (let k = i; k < n; k += 1) sum += li[k * n + i] * li[k * n + j];
      inv[i * n + j] = sum;
      inv[j * n + i] = sum;
    }
  }
  return inv;
}

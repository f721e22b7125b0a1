import { describe, expect, it } from 'vitest';
import { symmetricEigen } from './dense-linear-algebra.ts';
import { randomizedPca } from './randomized-pca.ts';
import { SeededRandom } from '../../core/seeded-random.ts';

describe('randomizedPca', () => {
  it('finds the leading axes and variances an exact eigen-decomposition finds', () => {
    const n = 300;
    const p = 40;
    const random = new SeededRandom(5);
    // Data with a clear spectrum: axis j has standard deviation 10 / (j + 1).
    const rows = new Float32Array(n * p);
    for (let i = 0; i < n; i += 1) for (let j = 0; j < p; j += 1) rows[i * p + j] = (random.normal() * 10) / (j + 1);
    const mean = new Float64Array(p);
    for (let i = 0; i < n; i += 1) for (let j = 0; j < p; j += 1) mean[j] += rows[i * p + j] / n;
    for (let i = 0; i < n; i += 1) for (let j = 0; j < p; j += 1) rows[i * p + j] -= mean[j];
    const covariance = new Float64Array(p * p);
    for (let i = 0; i < n; i += 1)
      for (let a = 0; a < p; a += 1) for (let b = 0; b < p; b += 1) covariance[a * p + b] += (rows[i * p + a] * rows[i * p + b]) / n;
    const exact = symmetricEigen(covariance, p);

    const { components, variances } = randomizedPca(rows, n, p, 5);
    expect(components).toHaveLength(5);
    for (let c = 0; c < 5; c += 1) {
      expect(variances[c]).toBeCloseTo(exact.values[c], 0);
      let alignment = 0;
      for (let j = 0; j < p; j += 1) alignment += components[c][j] * exact.vectors[c][j];
      expect(Math.abs(alignment)).toBeGreaterThan(0.98);
    }
  });
});

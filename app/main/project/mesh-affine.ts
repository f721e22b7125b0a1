/** Points in a FaceMesh mesh. */
export const MESH_POINTS = 468;

/**
 * The 3-D affine map (row-major 3 × 4) that best carries `from` onto `to` in least squares, both
 * meshes of MESH_POINTS x, y, z triples: a face's pose and scale as seen by the landmark codec.
 */
export function fitMeshAffine(from: ArrayLike<number>, to: ArrayLike<number>): Float64Array {
  const normal = Array.from({ length: 4 }, () => [0, 0, 0, 0]);
  const rhs = [
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 0],
  ];
  for (let p = 0; p < MESH_POINTS; p++) {
    const row = [from[p * 3], from[p * 3 + 1], from[p * 3 + 2], 1];
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) normal[i][j] += row[i] * row[j];
      for (let axis = 0; axis < 3; axis++) rhs[axis][i] += row[i] * to[p * 3 + axis];
    }
  }
  const out = new Float64Array(12);
  for (let axis = 0; axis < 3; axis++) out.set(solve4(normal, rhs[axis]), axis * 4);
  return out;
}

/** Gaussian elimination with partial pivoting; a singular system (a flat mesh) keeps its zero rows at 0. */
function solve4(matrix: readonly number[][], rhs: readonly number[]): number[] {
  const m = matrix.map((row, i) => [...row, rhs[i]]);
  for (let c = 0; c < 4; c++) {
    let pivot = c;
    for (let r = c + 1; r < 4; r++) if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) pivot = r;
    [m[c], m[pivot]] = [m[pivot], m[c]];
    if (Math.abs(m[c][c]) < 1e-12) continue;
    for (let r = 0; r < 4; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= 4; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((row, i) => (Math.abs(row[i]) < 1e-12 ? 0 : row[4] / row[i]));
}

/**
 * Left/right pairs of the 468-point mesh that fix the face's plane of symmetry: outer and inner eye
 * corners, mouth corners, cheek edges and temples (MediaPipe's published topology).
 */
const SYMMETRIC_PAIRS = [
  [33, 263],
  [133, 362],
  [61, 291],
  [234, 454],
  [127, 356],
  [70, 300],
  [172, 397],
] as const;

const MESH_POINTS = 468;

/**
 * Every mesh point reflected across the face's own plane of symmetry (in 3D, so it holds for a
 * turned head): the plane is normal to the mean left→right vector of known pairs and passes through
 * their midpoints.
 */
export function reflectMesh(mesh: Float32Array): Float64Array {
  const normal = [0, 0, 0];
  const centre = [0, 0, 0];
  for (const [a, b] of SYMMETRIC_PAIRS) {
    for (let k = 0; k < 3; k += 1) {
      normal[k] += mesh[b * 3 + k] - mesh[a * 3 + k];
      centre[k] += (mesh[a * 3 + k] + mesh[b * 3 + k]) / 2 / SYMMETRIC_PAIRS.length;
    }
  }
  const length = Math.hypot(normal[0], normal[1], normal[2]);
  if (length === 0) throw new Error('mirrorPoints: the mesh has no width between its eye corners');
  for (let k = 0; k < 3; k += 1) normal[k] /= length;
  const reflected = new Float64Array(MESH_POINTS * 3);
  for (let p = 0; p < MESH_POINTS; p += 1) {
    const d = (mesh[p * 3] - centre[0]) * normal[0] + (mesh[p * 3 + 1] - centre[1]) * normal[1] + (mesh[p * 3 + 2] - centre[2]) * normal[2];
    for (let k = 0; k < 3; k += 1) reflected[p * 3 + k] = mesh[p * 3 + k] - 2 * d * normal[k];
  }
  return reflected;
}

/**
 * For every mesh point, the point that mirrors it across the face's plane of symmetry
 * (`reflectMesh`): the mesh point nearest its reflection. Points on the midline mirror to themselves.
 */
export function mirrorPoints(mesh: Float32Array): Uint16Array {
  const reflected = reflectMesh(mesh);
  const mirror = new Uint16Array(MESH_POINTS);
  for (let p = 0; p < MESH_POINTS; p += 1) {
    const [rx, ry, rz] = [reflected[p * 3], reflected[p * 3 + 1], reflected[p * 3 + 2]];
    let best = p;
    let bestDistance = Infinity;
    for (let q = 0; q < MESH_POINTS; q += 1) {
      const distance = (mesh[q * 3] - rx) ** 2 + (mesh[q * 3 + 1] - ry) ** 2 + (mesh[q * 3 + 2] - rz) ** 2;
      if (distance < bestDistance) {
        bestDistance = distance;
        best = q;
      }
    }
    mirror[p] = best;
  }
  return mirror;
}

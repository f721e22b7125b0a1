import Delaunator from 'delaunator';

/**
 * The face as a surface seen from the camera, per pixel of a square crop: a unit normal in view
 * coordinates (X right, Y up, Z toward the viewer), a height toward the viewer in crop pixels, and
 * how much of the pixel the mesh covers. Off the mesh there is no normal: the relighting carries
 * the face's change of light outward smoothly instead of inventing a shape for hair and background.
 */
export interface FaceSurface {
  readonly size: number;
  /** 3 × size² planar (X, Y, Z). */
  readonly normals: Float32Array;
  /** Height toward the viewer; NaN where the mesh does not cover the pixel. */
  readonly height: Float32Array;
  /** 1 inside the mesh, 0 outside, feathered inward over a few pixels at the boundary. */
  readonly coverage: Float32Array;
}

const MESH_POINTS = 468;

/** Triangles of the 468-point mesh, by Delaunay triangulation of the points as the camera sees them. */
export function triangulateMesh(landmarks: Float32Array): Uint32Array {
  if (landmarks.length !== MESH_POINTS * 3) throw new Error(`expected ${MESH_POINTS} × 3 mesh values, got ${landmarks.length}`);
  const xy = new Float64Array(MESH_POINTS * 2);
  for (let p = 0; p < MESH_POINTS; p += 1) {
    xy[p * 2] = landmarks[p * 3];
    xy[p * 2 + 1] = landmarks[p * 3 + 1];
  }
  return new Delaunator(xy).triangles;
}

/**
 * Rasterises the mesh (468 × (x, y, z) in crop pixels, z as FaceMesh gives it: smaller is nearer)
 * into a `FaceSurface`. Normals are area-weighted vertex normals interpolated across each triangle,
 * so the shading is smooth where the mesh is coarse. `depthScale` stretches FaceMesh's depth, which
 * is known to be flatter than real faces.
 */
export function rasteriseFace(landmarks: Float32Array, size: number, depthScale = 1): FaceSurface {
  const triangles = triangulateMesh(landmarks);
  const vx = new Float64Array(MESH_POINTS);
  const vy = new Float64Array(MESH_POINTS);
  const vz = new Float64Array(MESH_POINTS);
  for (let p = 0; p < MESH_POINTS; p += 1) {
    vx[p] = landmarks[p * 3];
    vy[p] = -landmarks[p * 3 + 1];
    vz[p] = -landmarks[p * 3 + 2] * depthScale;
  }
  const vn = new Float64Array(MESH_POINTS * 3);
  for (let t = 0; t < triangles.length; t += 3) {
    const [a, b, c] = [triangles[t], triangles[t + 1], triangles[t + 2]];
    const e1 = [vx[b] - vx[a], vy[b] - vy[a], vz[b] - vz[a]];
    const e2 = [vx[c] - vx[a], vy[c] - vy[a], vz[c] - vz[a]];
    let nx = e1[1] * e2[2] - e1[2] * e2[1];
    let ny = e1[2] * e2[0] - e1[0] * e2[2];
    let nz = e1[0] * e2[1] - e1[1] * e2[0];
    if (nz < 0) [nx, ny, nz] = [-nx, -ny, -nz];
    for (const v of [a, b, c]) {
      vn[v * 3] += nx;
      vn[v * 3 + 1] += ny;
      vn[v * 3 + 2] += nz;
    }
  }
  const plane = size * size;
  const meshNormals = new Float32Array(plane * 3);
  const height = new Float32Array(plane).fill(Number.NaN);
  const covered = new Float32Array(plane);
  for (let t = 0; t < triangles.length; t += 3) {
    const [a, b, c] = [triangles[t], triangles[t + 1], triangles[t + 2]];
    const ax = vx[a],
      ay = -vy[a],
      bx = vx[b],
      by = -vy[b],
      cx = vx[c],
      cy = -vy[c];
    const area = (bx - ax) * (cy - ay) - (cx - ax) * (by - ay);
    if (Math.abs(area) < 1e-9) continue;
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx, cx)));
    const x1 = Math.min(size - 1, Math.ceil(Math.max(ax, bx, cx)));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by, cy)));
    const y1 = Math.min(size - 1, Math.ceil(Math.max(ay, by, cy)));
    for (let y = y0; y <= y1; y += 1) {
      const py = y + 0.5;
      for (let x = x0; x <= x1; x += 1) {
        const px = x + 0.5;
        const w0 = ((bx - px) * (cy - py) - (cx - px) * (by - py)) / area;
        const w1 = ((cx - px) * (ay - py) - (ax - px) * (cy - py)) / area;
        const w2 = 1 - w0 - w1;
        if (w0 < -1e-6 || w1 < -1e-6 || w2 < -1e-6) continue;
        const j = y * size + x;
        covered[j] = 1;
        height[j] = w0 * vz[a] + w1 * vz[b] + w2 * vz[c];
        for (let k = 0; k < 3; k += 1) meshNormals[k * plane + j] = w0 * vn[a * 3 + k] + w1 * vn[b * 3 + k] + w2 * vn[c * 3 + k];
      }
    }
  }
  // Feathered inward only: a pixel off the mesh has no normal to blend.
  const feathered = boxBlur(boxBlur(covered, size, Math.max(1, Math.round(size / 40))), size, Math.max(1, Math.round(size / 40)));
  const coverage = new Float32Array(plane);
  const normals = new Float32Array(plane * 3);
  for (let j = 0; j < plane; j += 1) {
    if (!covered[j]) continue;
    coverage[j] = Math.max(0, 2 * feathered[j] - 1);
    const nx = meshNormals[j],
      ny = meshNormals[plane + j],
      nz = meshNormals[2 * plane + j];
    const n = Math.hypot(nx, ny, nz) || 1;
    normals[j] = nx / n;
    normals[plane + j] = ny / n;
    normals[2 * plane + j] = nz / n;
  }
  return { size, normals, height, coverage };
}

/** Separable box blur of radius `radius` (clamped edges), as running sums: constant cost per pixel. */
export function boxBlur(values: Float32Array, size: number, radius: number): Float32Array {
  const tmp = new Float32Array(values.length);
  const out = new Float32Array(values.length);
  const span = 2 * radius + 1;
  const last = size - 1;
  for (let y = 0; y < size; y += 1) {
    const row = y * size;
    let s = 0;
    for (let d = -radius; d <= radius; d += 1) s += values[row + Math.min(last, Math.max(0, d))];
    for (let x = 0; x < size; x += 1) {
      tmp[row + x] = s / span;
      s += values[row + Math.min(last, x + radius + 1)] - values[row + Math.max(0, x - radius)];
    }
  }
  for (let x = 0; x < size; x += 1) {
    let s = 0;
    for (let d = -radius; d <= radius; d += 1) s += tmp[Math.min(last, Math.max(0, d)) * size + x];
    for (let y = 0; y < size; y += 1) {
      out[y * size + x] = s / span;
      s += tmp[Math.min(last, y + radius + 1) * size + x] - tmp[Math.max(0, y - radius) * size + x];
    }
  }
  return out;
}

import Delaunator from 'delaunator';
import { meshGroups } from '../geometry/face-mesh-groups.ts';

export type Vec3 = readonly [number, number, number];

const MESH_POINTS = 468;
/** Upper and lower inner lip midpoints: with the eyes they span the face's frontal plane. */
const MOUTH = [13, 14] as const;
/** Mean pitch the plain eyes–mouth plane reads on frontal photos (johns, LFW), in radians. */
const FACE_PLANE_LEAN = (10 * Math.PI) / 180;

/**
 * The head's own frame from its FaceMesh points (crop pixels, x right, y down, z away from the
 * camera): origin between the eye centres, `right` toward the subject's left eye (image right for
 * a frontal face), `down` toward the mouth within the face plane, `toward` out of the face to the
 * camera. Lengths in local coordinates are in inter-ocular distances (eye centre to eye centre), so
 * an accessory defined once fits every face and turns, tilts and rolls with it.
 */
export class HeadFrame {
  readonly origin: Vec3;
  readonly right: Vec3;
  readonly down: Vec3;
  readonly toward: Vec3;
  /** Inter-ocular distance in crop pixels (3D). */
  readonly iod: number;
  /** Eye centres (image left, image right) in crop pixels, as the mesh places them. */
  readonly eyes: readonly [Vec3, Vec3];
  readonly #mesh: Float32Array;
  readonly #uv: Float64Array;
  readonly #w: Float64Array;
  readonly #triangles: Uint32Array;

  constructor(mesh: Float32Array) {
    if (mesh.length !== MESH_POINTS * 3) throw new Error(`occlusion: expected ${MESH_POINTS} × 3 mesh values, got ${mesh.length}`);
    this.#mesh = mesh;
    const imageLeftEye = centroid(mesh, meshGroups.rightEye);
    const imageRightEye = centroid(mesh, meshGroups.leftEye);
    const mouth = centroid(mesh, MOUTH);
    this.eyes = [imageLeftEye, imageRightEye];
    this.origin = scale(add(imageLeftEye, imageRightEye), 0.5);
    const across = sub(imageRightEye, imageLeftEye);
    this.iod = norm(across);
    if (this.iod < 1e-3) throw new Error('occlusion: the mesh has both eyes at one point');
    this.right = normalise(across);
    const toMouth = sub(mouth, this.origin);
    const planeDown = normalise(sub(toMouth, scale(this.right, dot(toMouth, this.right))));
    // right × down points away from the camera in these coordinates (z grows away from it).
    const planeToward = scale(cross(this.right, planeDown), -1);
    // The eyes–mouth plane leans back from the head's forward axis (the mouth stands further out
    // than the eyes): tilted by that lean, a frontal face reads pitch ≈ 0 and what stands in front of
    // the eyes (lenses) lands in front of them, not above.
    const c = Math.cos(FACE_PLANE_LEAN);
    const s = Math.sin(FACE_PLANE_LEAN);
    this.toward = normalise(add(scale(planeToward, c), scale(planeDown, s)));
    this.down = normalise(sub(scale(planeDown, c), scale(planeToward, s)));
    this.#uv = new Float64Array(MESH_POINTS * 2);
    this.#w = new Float64Array(MESH_POINTS);
    for (let p = 0; p < MESH_POINTS; p += 1) {
      const [u, v, w] = this.toLocal(point(mesh, p));
      this.#uv[p * 2] = u;
      this.#uv[p * 2 + 1] = v;
      this.#w[p] = w;
    }
    this.#triangles = new Delaunator(this.#uv).triangles;
  }

  /** Crop coordinates of a point given in the head's frame (u right, v down, w toward the camera; in IODs). */
  toCrop(u: number, v: number, w: number): Vec3 {
    const s = this.iod;
    return [
      this.origin[0] + s * (u * this.right[0] + v * this.down[0] + w * this.toward[0]),
      this.origin[1] + s * (u * this.right[1] + v * this.down[1] + w * this.toward[1]),
      this.origin[2] + s * (u * this.right[2] + v * this.down[2] + w * this.toward[2]),
    ];
  }

  toLocal(p: Vec3): Vec3 {
    const d = sub(p, this.origin);
    return [dot(d, this.right) / this.iod, dot(d, this.down) / this.iod, dot(d, this.toward) / this.iod];
  }

  /** A mesh point in the head's frame. */
  landmark(index: number): Vec3 {
    return [this.#uv[index * 2], this.#uv[index * 2 + 1], this.#w[index]];
  }

  /** Height of the face surface toward the camera (w) at (u, v); off the mesh, the nearest mesh point's. */
  surfaceW(u: number, v: number): number {
    const t = this.#triangles;
    const uv = this.#uv;
    for (let i = 0; i < t.length; i += 3) {
      const [a, b, c] = [t[i], t[i + 1], t[i + 2]];
      const ax = uv[a * 2],
        ay = uv[a * 2 + 1];
      const area = (uv[b * 2] - ax) * (uv[c * 2 + 1] - ay) - (uv[c * 2] - ax) * (uv[b * 2 + 1] - ay);
      if (Math.abs(area) < 1e-12) continue;
      const w1 = ((u - ax) * (uv[c * 2 + 1] - ay) - (uv[c * 2] - ax) * (v - ay)) / area;
      const w2 = ((uv[b * 2] - ax) * (v - ay) - (u - ax) * (uv[b * 2 + 1] - ay)) / area;
      const w0 = 1 - w1 - w2;
      if (w0 >= -1e-9 && w1 >= -1e-9 && w2 >= -1e-9) return w0 * this.#w[a] + w1 * this.#w[b] + w2 * this.#w[c];
    }
    let best = 0;
    let bestD = Infinity;
    for (let p = 0; p < MESH_POINTS; p += 1) {
      const d = (uv[p * 2] - u) ** 2 + (uv[p * 2 + 1] - v) ** 2;
      if (d < bestD) {
        bestD = d;
        best = p;
      }
    }
    return this.#w[best];
  }

  /** A point on the face surface at (u, v), lifted `lift` IODs toward the camera, in crop coordinates. */
  onSurface(u: number, v: number, lift = 0): Vec3 {
    return this.toCrop(u, v, this.surfaceW(u, v) + lift);
  }

  /**
   * Head pose in degrees from the frame: yaw > 0 turns the face toward the image's right, pitch > 0
   * tilts the chin up, roll > 0 turns the eye line clockwise in the image.
   */
  pose(): { yaw: number; pitch: number; roll: number } {
    const deg = 180 / Math.PI;
    return {
      yaw: Math.asin(Math.max(-1, Math.min(1, this.toward[0]))) * deg,
      pitch: Math.asin(Math.max(-1, Math.min(1, this.toward[1]))) * -deg,
      roll: Math.atan2(this.right[1], this.right[0]) * deg,
    };
  }

  get mesh(): Float32Array {
    return this.#mesh;
  }
}

function point(mesh: Float32Array, p: number): Vec3 {
  return [mesh[p * 3], mesh[p * 3 + 1], mesh[p * 3 + 2]];
}

function centroid(mesh: Float32Array, indices: readonly number[]): Vec3 {
  const s = [0, 0, 0];
  for (const p of indices) for (let k = 0; k < 3; k += 1) s[k] += mesh[p * 3 + k];
  return [s[0] / indices.length, s[1] / indices.length, s[2] / indices.length];
}

export const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
export const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
export const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
export const norm = (a: Vec3): number => Math.hypot(a[0], a[1], a[2]);
export const normalise = (a: Vec3): Vec3 => scale(a, 1 / (norm(a) || 1));

import type { HeadPoseSpec } from '#api/synthesis.ts';
import { headPose } from '../../vision/face-quality.ts';

export { POSE_PRESETS } from '#api/pose-presets.ts';

/**
 * A head rotation in degrees, in the mesh's own measure (`headPose`): yaw > 0 turns the nose toward
 * the image's right, pitch > 0 tips the chin away from the camera, roll > 0 turns the face clockwise
 * in the image. Turning a mesh by (yaw, pitch) raises its measured yaw and pitch by about as much.
 */
export interface HeadRotation {
  readonly yaw: number;
  readonly pitch: number;
  readonly roll: number;
}

/** How far a pose edit may turn a head: beyond these the mesh's unseen side would be mostly invented. */
export const POSE_LIMITS = { yaw: 45, pitch: 20, roll: 15 } as const;

/** A source whose mesh yaw is beyond this already shows one side only: it is not turned further. */
export const MAX_SOURCE_YAW = 45;

const MESH_POINTS = 468;

/** Row-major 3 × 3 rotation, applied yaw first, then pitch, then roll (x right, y down, z away from the camera). */
export function rotationMatrix({ yaw, pitch, roll }: HeadRotation): Float64Array {
  const rad = Math.PI / 180;
  const [cy, sy] = [Math.cos(yaw * rad), Math.sin(yaw * rad)];
  const [cp, sp] = [Math.cos(pitch * rad), Math.sin(pitch * rad)];
  const [cr, sr] = [Math.cos(roll * rad), Math.sin(roll * rad)];
  const yawM = [cy, 0, -sy, 0, 1, 0, sy, 0, cy];
  const pitchM = [1, 0, 0, 0, cp, -sp, 0, sp, cp];
  const rollM = [cr, -sr, 0, sr, cr, 0, 0, 0, 1];
  return Float64Array.from(multiply(rollM, multiply(pitchM, yawM)));
}

function multiply(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i += 1)
    for (let j = 0; j < 3; j += 1) for (let k = 0; k < 3; k += 1) out[i * 3 + j] += a[i * 3 + k] * b[k * 3 + j];
  return out;
}

/**
 * The mesh (468 × x, y, z in crop pixels) turned about its own centroid. The projection is
 * orthographic, as FaceMesh's is, so the face stays where it was in the crop.
 */
export function rotateMesh(mesh: Float32Array, rotation: HeadRotation): Float32Array {
  if (mesh.length !== MESH_POINTS * 3) throw new Error(`expected ${MESH_POINTS} × 3 mesh values, got ${mesh.length}`);
  const r = rotationMatrix(rotation);
  const c = [0, 0, 0];
  for (let p = 0; p < MESH_POINTS; p += 1) for (let k = 0; k < 3; k += 1) c[k] += mesh[p * 3 + k] / MESH_POINTS;
  const out = new Float32Array(mesh.length);
  for (let p = 0; p < MESH_POINTS; p += 1) {
    const d = [mesh[p * 3] - c[0], mesh[p * 3 + 1] - c[1], mesh[p * 3 + 2] - c[2]];
    for (let k = 0; k < 3; k += 1) out[p * 3 + k] = c[k] + r[k * 3] * d[0] + r[k * 3 + 1] * d[1] + r[k * 3 + 2] * d[2];
  }
  return out;
}

/**
 * How deep the points behind the mesh's mean depth count when a turn tips the head (its pitch), as a
 * share of their FaceMesh depth. They are the face's sides and outline, which FaceMesh puts on the
 * silhouette, up to 60 px behind the face on a 256 px crop: tipped rigidly by 15°, the outline beside
 * the eyes rose or sank 16 px. Between real photos of one person tipped 8–25° apart (lfw/dev, 120
 * people, 446 pairs), the outline FaceMesh finds is predicted best from the other photo's mesh with
 * those points tipped as if 0.6–0.7 as deep (0.041 eye distances off, 0.053 rigidly), the face in
 * front of them at its full depth. At 0.8 the landmarks a variant tipped 8–20° stores land 4 % nearer
 * the real photo's (370 pairs: 0.0284 vs 0.0297, the outline 0.042 vs 0.050), and FaceMesh run again
 * on the variant finds them as near as before (0.0271 vs 0.0270); at 0.6 the stored ones came little
 * nearer (0.0281) and the refound ones 2 % further (0.0276).
 */
export const PITCH_BACK_DEPTH = 0.8;

/**
 * The mesh turned as a head turns by `rotation`, about its own centroid: the yaw turns it rigidly; the
 * pitch and roll that follow move each point behind the mean depth as if it lay `PITCH_BACK_DEPTH` as
 * deep (see there). Depths stay the rigid turn's. A turn without pitch is `rotateMesh`'s exactly.
 */
export function turnMesh(mesh: Float32Array, rotation: HeadRotation): Float32Array {
  const rigid = rotateMesh(mesh, rotation);
  if (rotation.pitch === 0) return rigid;
  const tipped = rotateMesh(mesh, { yaw: rotation.yaw, pitch: 0, roll: 0 });
  let mean = 0;
  for (let p = 0; p < MESH_POINTS; p += 1) mean += tipped[p * 3 + 2] / MESH_POINTS;
  let shallower = 0;
  for (let p = 0; p < MESH_POINTS; p += 1) {
    const behind = tipped[p * 3 + 2] - mean;
    if (behind > 0) tipped[p * 3 + 2] = mean + behind * PITCH_BACK_DEPTH;
    shallower += tipped[p * 3 + 2] / MESH_POINTS;
  }
  // Tipped about the same centroid as the rigid turn: the shallower back must not move the pivot forward.
  for (let p = 0; p < MESH_POINTS; p += 1) tipped[p * 3 + 2] += mean - shallower;
  const turned = rotateMesh(tipped, { yaw: 0, pitch: rotation.pitch, roll: rotation.roll });
  for (let p = 0; p < MESH_POINTS; p += 1) {
    rigid[p * 3] = turned[p * 3];
    rigid[p * 3 + 1] = turned[p * 3 + 1];
  }
  return rigid;
}

/**
 * The mesh with its depth stretched `factor` times about its mean depth. FaceMesh's depth is
 * flatter than a head: turned as it is, FaceMesh run again on the result finds about 0.6 of the
 * turn (johns, ±15–30°), stretched 2.5× about 0.9, but the deeper nose and cheeks tear the image.
 */
export function stretchDepth(mesh: Float32Array, factor: number): Float32Array {
  let mean = 0;
  for (let p = 0; p < MESH_POINTS; p += 1) mean += mesh[p * 3 + 2] / MESH_POINTS;
  const out = Float32Array.from(mesh);
  for (let p = 0; p < MESH_POINTS; p += 1) out[p * 3 + 2] = mean + (mesh[p * 3 + 2] - mean) * factor;
  return out;
}

/** The mesh's yaw and pitch in degrees, as face analysis measures them. */
export function meshPose(mesh: Float32Array): { yaw: number; pitch: number } {
  return headPose(mesh);
}

/** Why a source cannot be turned, or null when it can. */
export function poseRefusal(mesh: Float32Array): string | null {
  const { yaw } = meshPose(mesh);
  return Math.abs(yaw) > MAX_SOURCE_YAW
    ? `the face is already turned ${Math.abs(yaw).toFixed(0)}° ${yaw > 0 ? 'right' : 'left'} (mesh yaw beyond ${MAX_SOURCE_YAW}°): its other side is not in the photo`
    : null;
}

/** The rotation a pose op makes: its pose scaled by its strength. */
export function scaledTurn(pose: HeadPoseSpec, strength: number): HeadRotation {
  return { yaw: pose.yaw * strength, pitch: pose.pitch * strength, roll: pose.roll * strength };
}

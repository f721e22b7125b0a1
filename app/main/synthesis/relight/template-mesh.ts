import { applyAffine, type Affine } from '../../vision/affine.ts';

/** FaceMesh points (x, y, z in source pixels) mapped into a crop: x, y by the similarity, z by its scale. */
export function meshToTemplate(landmarks: Float32Array, toTemplate: Affine): Float32Array {
  const scale = Math.hypot(toTemplate[0], toTemplate[3]);
  const out = new Float32Array(landmarks.length);
  for (let p = 0; p < landmarks.length; p += 3) {
    const [x, y] = applyAffine(toTemplate, [landmarks[p], landmarks[p + 1]]);
    out[p] = x;
    out[p + 1] = y;
    out[p + 2] = landmarks[p + 2] * scale;
  }
  return out;
}

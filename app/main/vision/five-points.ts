import type { Point } from './affine.ts';
import type { FivePoints } from './face-templates.ts';

/**
 * FaceMesh indices of the eye contours (each eye's centre is their mean), the nose tip and the
 * mouth corners. "First" is the eye/corner on the image's left for an upright, unmirrored face.
 */
const FIRST_EYE = [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246];
const SECOND_EYE = [263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466];
const NOSE_TIP = 1;
const FIRST_MOUTH_CORNER = 61;
const SECOND_MOUTH_CORNER = 291;

function point(landmarks: Float32Array, index: number): Point {
  return [landmarks[index * 3], landmarks[index * 3 + 1]];
}

function mean(landmarks: Float32Array, indices: readonly number[]): Point {
  let x = 0;
  let y = 0;
  for (const i of indices) {
    x += landmarks[i * 3];
    y += landmarks[i * 3 + 1];
  }
  return [x / indices.length, y / indices.length];
}

/** Eye centres, nose tip, mouth corners — the ArcFace five points — from a 468-point mesh. */
export function fivePointsFromMesh(landmarks: Float32Array): FivePoints {
  return [
    mean(landmarks, FIRST_EYE),
    mean(landmarks, SECOND_EYE),
    point(landmarks, NOSE_TIP),
    point(landmarks, FIRST_MOUTH_CORNER),
    point(landmarks, SECOND_MOUTH_CORNER),
  ];
}

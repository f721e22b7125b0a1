import type { Affine, Point } from './affine.ts';
import { templatePoints } from './face-templates.ts';
import { estimateSimilarity } from './similarity-transform.ts';

/** The chip dlib's face-recognition ResNet was trained on: 150×150, padding 0.25 (dlib's face_recognition example). */
export const DLIB_CHIP_SIZE = 150;
export const DLIB_CHIP_PADDING = 0.25;

/**
 * dlib's five-point mean face on the unit square, in the order of its 5-point landmark model: the
 * eye on the image's right (outer, inner corner), the eye on the image's left (outer, inner), the
 * base of the nose. The constants are dlib's own: `get_face_chip_details` in
 * dlib/image_transforms/interpolation.h (dlib 19.x, Boost Software License), which derives them
 * from its 68-point mean face shape.
 */
const DLIB_MEAN_FIVE: readonly Point[] = [
  [0.8595674595992, 0.2134981538014],
  [0.6460604764104, 0.2289674387677],
  [0.1205750620789, 0.2137274526848],
  [0.3340850613712, 0.2290642403242],
  [0.4901123135679, 0.6277975316475],
];

/**
 * FaceMesh indices of the same five points, same order: outer/inner corner of the eye on the
 * image's right (263, 362), of the eye on the image's left (33, 133), and the subnasale (2), the
 * point under the nose where dlib's 5-point model puts its nose landmark.
 */
const MESH_INDICES = [263, 362, 33, 133, 2] as const;

/**
 * The template at `size` px: dlib computes (padding + p) / (2·padding + 1) · size in pixel-index
 * coordinates; +0.5 moves it to the continuous convention of `affine.ts`.
 */
export function dlibChipPoints(size: number = DLIB_CHIP_SIZE, padding: number = DLIB_CHIP_PADDING): Point[] {
  return DLIB_MEAN_FIVE.map(([x, y]) => [
    ((padding + x) / (2 * padding + 1)) * size + 0.5,
    ((padding + y) / (2 * padding + 1)) * size + 0.5,
  ]);
}

export function dlibPointsFromMesh(landmarks: Float32Array): Point[] {
  return MESH_INDICES.map((i) => [landmarks[i * 3], landmarks[i * 3 + 1]] as Point);
}

/** Source image → dlib's 150-px chip, the least-squares similarity through the five points (as dlib fits it). */
export function dlibChipTransform(landmarks: Float32Array, size: number = DLIB_CHIP_SIZE): Affine {
  return estimateSimilarity(dlibPointsFromMesh(landmarks), dlibChipPoints(size));
}

/**
 * An ArcFace crop (112 px) → dlib's chip, for crops that come without landmarks (synthesised
 * variants). The two templates share no landmark but the eyes: ArcFace's eye centres are matched
 * to the midpoints of dlib's eye corners, which fixes the similarity exactly. Faces analysed from
 * photos are chipped from their own mesh points instead (`dlibChipTransform`).
 */
export function arcfaceToDlibChip(size: number = DLIB_CHIP_SIZE): Affine {
  const chip = dlibChipPoints(size);
  const mid = (a: Point, b: Point): Point => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
  const [first, second] = templatePoints('arcface');
  return estimateSimilarity([first, second], [mid(chip[2], chip[3]), mid(chip[0], chip[1])]);
}

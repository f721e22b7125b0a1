import { applyAffine, invertAffine, similarityAbout, type Point } from './affine.ts';
import { warpAffine } from './bilinear-warp.ts';
import { boxCentre } from './face-box.ts';
import type { Detection } from './face-detector.ts';
import type { RgbImage } from './rgb-image.ts';
import type { VisionRuntime } from './vision-runtime.ts';

const MESH_POINTS = 468;

export interface FaceMesh {
  /** 468 × (x, y, z) in source-image pixels; z is relative depth in the same scale. */
  readonly landmarks: Float32Array;
  /** FaceMesh's own confidence that the crop holds a face (0‥1). */
  readonly faceScore: number;
}

const INPUT = 192;
/** FaceMesh was trained on crops 1.5× the detector's box, upright: the same framing MediaPipe uses. */
const CROP_SCALE = 1.5;

/**
 * Runs FaceMesh on the detection's crop, rotated so the eyes are level (FaceMesh is trained on
 * upright faces), and maps the 468 landmarks back into the source image.
 */
export async function meshFaces(image: RgbImage, detections: readonly Detection[], runtime: VisionRuntime): Promise<FaceMesh[]> {
  if (detections.length === 0) return [];
  const transforms = detections.map((detection) => {
    const [left, right] = detection.keypoints;
    const roll = Math.atan2(right[1] - left[1], right[0] - left[0]);
    const side = Math.max(detection.box.width, detection.box.height) * CROP_SCALE;
    return similarityAbout(boxCentre(detection.box), -roll, INPUT / side, [INPUT / 2, INPUT / 2]);
  });
  const crops = transforms.map((toCrop) => warpAffine(image, toCrop, INPUT, INPUT, 'clamp'));
  const outputs = Object.values(await runtime.runFrames('facemesh', crops));
  const mesh = outputs.find((t) => t.dims.at(-1) === MESH_POINTS * 3);
  const flag = outputs.find((t) => t.dims.at(-1) === 1);
  if (!mesh || !flag) throw new Error('facemesh: expected a 1404-value mesh output and a 1-value face flag');
  return transforms.map((toCrop, i) => {
    const fromCrop = invertAffine(toCrop);
    const scale = Math.hypot(fromCrop[0], fromCrop[3]);
    const landmarks = new Float32Array(MESH_POINTS * 3);
    const raw = mesh.data as Float32Array;
    for (let p = 0; p < MESH_POINTS; p++) {
      const r = (i * MESH_POINTS + p) * 3;
      const [x, y] = applyAffine(fromCrop, [raw[r], raw[r + 1]] as Point);
      landmarks[p * 3] = x;
      landmarks[p * 3 + 1] = y;
      landmarks[p * 3 + 2] = raw[r + 2] * scale;
    }
    return { landmarks, faceScore: (flag.data as Float32Array)[i] };
  });
}

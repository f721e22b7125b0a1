import type { Point } from './affine.ts';
import type { FloatRgb } from './bilinear-warp.ts';
import type { FivePoints } from './face-templates.ts';

export interface QualityParts {
  readonly detector: number;
  readonly sharpness: number;
  readonly size: number;
  readonly pose: number;
}

/** Why a face's identity score should not be trusted as it stands. */
export type QualityFlag = 'profile' | 'pitched' | 'blurry' | 'small' | 'doubtful';

export interface QualityReport {
  /** Head rotation from the mesh, degrees: yaw left/right, pitch up/down (0 = facing the camera). */
  readonly yaw: number;
  readonly pitch: number;
  readonly flags: readonly QualityFlag[];
}

/**
 * Beyond these a face is flagged. Yaw 40° and pitch 30° are where the frontal templates every
 * embedder here was trained on stop fitting (one eye or the chin foreshortened); an eye distance of
 * 20 px is half of MIN_EYE_DISTANCE (crops upsampled more than 2×); sharpness 0.3 is a Laplacian
 * variance of about 26 on the 112-px crop, where eyes and mouth lose their edges; a detector
 * confidence under 0.6 is usually a partial or occluded face.
 */
export const QUALITY_LIMITS = { yawDegrees: 40, pitchDegrees: 30, minEyeDistance: 20, minSharpness: 0.3, minDetector: 0.6 } as const;

/** Mesh indices: outer eye corners (the eye line) and forehead top / chin bottom (the face's vertical). */
const EYE_OUTER = [33, 263] as const;
const FOREHEAD = 10;
const CHIN = 152;

/**
 * Yaw and pitch from the mesh's 3-D landmarks: the depth difference along the eye line (yaw) and
 * along forehead–chin (pitch), against their in-image length, so roll does not count.
 */
export function headPose(landmarks: Float32Array): { yaw: number; pitch: number } {
  const at = (i: number) => [landmarks[i * 3], landmarks[i * 3 + 1], landmarks[i * 3 + 2]] as const;
  const angle = (a: readonly number[], b: readonly number[]) =>
    (Math.atan2(b[2] - a[2], Math.hypot(b[0] - a[0], b[1] - a[1])) * 180) / Math.PI;
  return { yaw: angle(at(EYE_OUTER[0]), at(EYE_OUTER[1])), pitch: angle(at(FOREHEAD), at(CHIN)) };
}

/** The flags of a face, from its mesh, five points and quality factors. */
export function qualityReport(
  landmarks: Float32Array,
  points: FivePoints,
  parts: Pick<QualityParts, 'detector' | 'sharpness'>,
): QualityReport {
  const { yaw, pitch } = headPose(landmarks);
  const flags: QualityFlag[] = [];
  if (Math.abs(yaw) > QUALITY_LIMITS.yawDegrees) flags.push('profile');
  if (Math.abs(pitch) > QUALITY_LIMITS.pitchDegrees) flags.push('pitched');
  if (parts.sharpness < QUALITY_LIMITS.minSharpness) flags.push('blurry');
  if (eyeDistance(points) < QUALITY_LIMITS.minEyeDistance) flags.push('small');
  if (parts.detector < QUALITY_LIMITS.minDetector) flags.push('doubtful');
  return { yaw, pitch, flags };
}

/**
 * The sharpness factor of a stored face, recovered from its stored quality (the product of the four
 * factors) and the three factors that the stored score and points give back; null where the product
 * hides it (a factor of 0).
 */
export function storedSharpness(quality: number, detectorScore: number, points: FivePoints): number | null {
  const others = clamp01(detectorScore) * clamp01(eyeDistance(points) / MIN_EYE_DISTANCE) * clamp01(1 - (2 * yawRatio(points)) ** 2);
  return others > 1e-6 ? clamp01(quality / others) : null;
}

/**
 * A face's usefulness as a source, 0‥1: the product of four factors, each 0‥1, so any one failing
 * (a doubtful detection, blur, a tiny face, a profile) pulls the score down on its own.
 *
 * - detector: BlazeFace's confidence.
 * - sharpness: variance of the Laplacian over the centre of the 112-px ArcFace crop, squashed by
 *   v / (v + SHARPNESS_HALF). Measured on the aligned crop, so it compares faces at one scale; a
 *   small face upsampled into the crop is blurry there, as it is for every model downstream.
 * - size: inter-ocular distance in source pixels over MIN_EYE_DISTANCE, capped at 1: below it the
 *   crops are upsampled and identity detail is missing.
 * - pose: nose-tip offset from the eye midpoint along the eye line, as a fraction r of the eye
 *   distance (≈0 frontal, ≈±0.5 in profile); 1 − (2r)², floored at 0. Roll does not count (alignment
 *   removes it).
 */
export function faceQuality(detectorScore: number, points: FivePoints, arcfaceCrop: FloatRgb): { score: number; parts: QualityParts } {
  const parts: QualityParts = {
    detector: clamp01(detectorScore),
    sharpness: sharpnessFactor(arcfaceCrop),
    size: clamp01(eyeDistance(points) / MIN_EYE_DISTANCE),
    pose: clamp01(1 - (2 * yawRatio(points)) ** 2),
  };
  return { score: parts.detector * parts.sharpness * parts.size * parts.pose, parts };
}

const MIN_EYE_DISTANCE = 40;
const SHARPNESS_HALF = 60;

function clamp01(v: number): number {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
}

function eyeDistance([a, b]: FivePoints): number {
  return Math.hypot(b[0] - a[0], b[1] - a[1]);
}

function yawRatio([a, b, nose]: FivePoints): number {
  const ex = b[0] - a[0];
  const ey = b[1] - a[1];
  const mid: Point = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
  const norm = ex * ex + ey * ey;
  return norm > 0 ? ((nose[0] - mid[0]) * ex + (nose[1] - mid[1]) * ey) / norm : 0;
}

function sharpnessFactor(crop: FloatRgb): number {
  const { width, height, data } = crop;
  const grey = (x: number, y: number) => {
    const p = (y * width + x) * 3;
    return 0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2];
  };
  // The central half: the face itself, without background or the crop's padded border.
  const x0 = Math.floor(width / 4);
  const y0 = Math.floor(height / 4);
  const x1 = Math.ceil((width * 3) / 4);
  const y1 = Math.ceil((height * 3) / 4);
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const lap = grey(x - 1, y) + grey(x + 1, y) + grey(x, y - 1) + grey(x, y + 1) - 4 * grey(x, y);
      sum += lap;
      sumSq += lap * lap;
      n++;
    }
  }
  const variance = n > 0 ? sumSq / n - (sum / n) ** 2 : 0;
  return variance / (variance + SHARPNESS_HALF);
}

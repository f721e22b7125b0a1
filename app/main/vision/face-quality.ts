import type { Point } from './affine.ts';
import type { FloatRgb } from './bilinear-warp.ts';
import type { FivePoints } from './face-templates.ts';

export interface QualityParts {
  readonly detector: number;
  readonly sharpness: number;
  readonly size: number;
  readonly pose: number;
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

import { applyAffine, invertAffine, type Affine, type Point } from './affine.ts';
import { warpAffine } from './bilinear-warp.ts';
import { intersectionOverUnion, type FaceBox } from './face-box.ts';
import type { TensorData } from '../inference/tensor-data.ts';
import type { RgbImage } from './rgb-image.ts';
import type { VisionRuntime } from './vision-runtime.ts';

/** One face found by BlazeFace, in source-image pixels. */
export interface Detection {
  readonly box: FaceBox;
  readonly score: number;
  /** As seen in the image: eye (left), eye (right), nose tip, mouth centre, ear (left), ear (right). */
  readonly keypoints: readonly Point[];
}

export interface DetectOptions {
  readonly minScore?: number;
  readonly iouThreshold?: number;
  readonly maxFaces?: number;
}

const INPUT = 256;
const KEYPOINTS = 6;
/**
 * BlazeFace (this 256-px variant) predicts 2 anchors per cell on the 16×16 grid, then 6 per cell on
 * the 8×8 grid, row-major: regressions are input-pixel offsets from the anchor centre.
 */
const ANCHORS: readonly Point[] = (() => {
  const anchors: Point[] = [];
  for (const [stride, perCell] of [
    [16, 2],
    [32, 6],
  ] as const) {
    const cells = INPUT / stride;
    for (let y = 0; y < cells; y++) {
      for (let x = 0; x < cells; x++) {
        for (let n = 0; n < perCell; n++) anchors.push([(x + 0.5) * stride, (y + 0.5) * stride]);
      }
    }
  }
  return anchors;
})();

/**
 * Faces that fill the whole frame (ORL, Yale, tight dataset crops) are larger than anything BlazeFace
 * saw in training, so the photo is centred on a canvas this much larger than its long side first.
 */
const CANVAS_PADDING = 1.6;

/** Finds faces: letterbox onto a padded square, run BlazeFace, decode anchors, non-maximum suppression. */
export async function detectFaces(image: RgbImage, runtime: VisionRuntime, options: DetectOptions = {}): Promise<Detection[]> {
  const toInput = letterbox(image.width, image.height);
  const frame = warpAffine(image, toInput, INPUT, INPUT, 'black');
  const { regressors, logits } = splitOutputs(Object.values(await runtime.runFrames('blazeface', [frame])));
  const fromInput = invertAffine(toInput);
  const minScore = options.minScore ?? 0.5;
  const candidates: Detection[] = [];
  for (let i = 0; i < ANCHORS.length; i++) {
    const score = sigmoid(logits[i]);
    if (score < minScore) continue;
    const r = i * 16;
    const [ax, ay] = ANCHORS[i];
    const cx = ax + regressors[r];
    const cy = ay + regressors[r + 1];
    const w = regressors[r + 2];
    const h = regressors[r + 3];
    const [x0, y0] = applyAffine(fromInput, [cx - w / 2, cy - h / 2]);
    const [x1, y1] = applyAffine(fromInput, [cx + w / 2, cy + h / 2]);
    const keypoints: Point[] = [];
    for (let k = 0; k < KEYPOINTS; k++) {
      keypoints.push(applyAffine(fromInput, [ax + regressors[r + 4 + 2 * k], ay + regressors[r + 5 + 2 * k]]));
    }
    candidates.push({ box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, score, keypoints });
  }
  return suppress(candidates, options.iouThreshold ?? 0.3, options.maxFaces ?? 20);
}

function letterbox(width: number, height: number): Affine {
  const side = Math.max(width, height) * CANVAS_PADDING;
  const s = INPUT / side;
  return [s, 0, INPUT / 2 - (s * width) / 2, 0, s, INPUT / 2 - (s * height) / 2];
}

/** The graph's two outputs, told apart by shape: 16 regressions and 1 logit per anchor. */
function splitOutputs(tensors: readonly TensorData[]): { regressors: Float32Array; logits: Float32Array } {
  const pick = (width: number) => {
    const t = tensors.find((x) => x.dims.at(-2) === ANCHORS.length && x.dims.at(-1) === width);
    if (!t) throw new Error(`blazeface: no output shaped [1, ${ANCHORS.length}, ${width}]`);
    return t.data as Float32Array;
  };
  return { regressors: pick(16), logits: pick(1) };
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-Math.max(-80, Math.min(80, x))));
}

/**
 * Weighted non-maximum suppression (as MediaPipe does): each kept face averages the boxes and
 * keypoints of the detections it suppresses, weighted by score, which steadies the landmarks.
 */
function suppress(candidates: Detection[], iouThreshold: number, maxFaces: number): Detection[] {
  const remaining = [...candidates].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  while (remaining.length > 0 && kept.length < maxFaces) {
    const best = remaining[0];
    const cluster = remaining.filter((d) => intersectionOverUnion(best.box, d.box) > iouThreshold);
    const rest = remaining.filter((d) => intersectionOverUnion(best.box, d.box) <= iouThreshold);
    remaining.length = 0;
    remaining.push(...rest);
    const total = cluster.reduce((n, d) => n + d.score, 0);
    const avg = (f: (d: Detection) => number) => cluster.reduce((n, d) => n + f(d) * d.score, 0) / total;
    kept.push({
      box: { x: avg((d) => d.box.x), y: avg((d) => d.box.y), width: avg((d) => d.box.width), height: avg((d) => d.box.height) },
      score: best.score,
      keypoints: best.keypoints.map((_, k) => [avg((d) => d.keypoints[k][0]), avg((d) => d.keypoints[k][1])] as Point),
    });
  }
  return kept;
}

/**
 * Face-mesh measures of the three expressions the wild eval edits without a lip gap to go by (smile,
 * closed eyes, raised brows), so real photos showing them can stand beside the variants
 * (bench/real-photo-gain.ts). Each is taken in the head's own frame (`HeadFrame`: pose and roll
 * removed, lengths in eye distances between the eye centres), so a turned or tilted head reads as a
 * frontal one would. The product does not use them: they live with the bench.
 */
import { EYES } from '../app/main/synthesis/geometry/closed-lids.ts';
import { HeadFrame } from '../app/main/synthesis/occlusion/head-frame.ts';
import { MOUTH_CORNERS } from '../app/main/synthesis/geometry/expression.ts';
import { meshGroups } from '../app/main/synthesis/geometry/face-mesh-groups.ts';

/** Inner lips' middles, upper and lower: their midpoint is the lip centre a smile lifts the corners above. */
const LIP_MIDDLES = [13, 14] as const;
/** Each brow's points (both edges), over the image-left eye then the image-right one, as `EYES`. */
const BROWS = [meshGroups.rightBrow, meshGroups.leftBrow];

export interface ExpressionMeasures {
  /** Mouth corner to corner, in eye distances. */
  readonly mouthWidth: number;
  /** How far the corners sit above the lip centre (mean of the two), in eye distances. */
  readonly cornerLift: number;
  /** The more open eye's lid opening: mean upper-to-lower lid distance over the eye's corner-to-corner width. */
  readonly eyeOpening: number;
  /** Brows' mean height above their eye's corners (both brows), in eye distances. */
  readonly browHeight: number;
}

export function expressionMeasures(mesh: Float32Array): ExpressionMeasures {
  const frame = new HeadFrame(mesh);
  const at = (p: number) => frame.landmark(p);
  const distance = (a: number, b: number) => Math.hypot(...at(a).map((x, k) => x - at(b)[k]));
  const [left, right] = MOUTH_CORNERS.map(at);
  const centre = (at(LIP_MIDDLES[0])[1] + at(LIP_MIDDLES[1])[1]) / 2;
  const openings = EYES.map(
    (eye) => eye.lids.reduce((s, [upper, lower]) => s + distance(upper, lower), 0) / eye.lids.length / distance(eye.outer, eye.inner),
  );
  const browHeights = EYES.map((eye, i) => {
    const eyeLine = (at(eye.outer)[1] + at(eye.inner)[1]) / 2;
    return BROWS[i].reduce((s, p) => s + eyeLine - at(p)[1], 0) / BROWS[i].length;
  });
  return {
    mouthWidth: distance(MOUTH_CORNERS[0], MOUTH_CORNERS[1]),
    // v grows down the face: corners above the centre have the smaller v.
    cornerLift: centre - (left[1] + right[1]) / 2,
    eyeOpening: Math.max(...openings),
    browHeight: (browHeights[0] + browHeights[1]) / 2,
  };
}

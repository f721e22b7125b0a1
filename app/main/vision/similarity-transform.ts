import type { Affine, Point } from './affine.ts';

/**
 * The least-squares similarity (rotation, uniform scale, translation; no reflection) taking `from`
 * onto `to` — Umeyama's estimate, which in 2-D has this closed form: with both point sets centred,
 * the rotation-scale [a −b; b a] solves a = Σ(p·q)/Σ|p|², b = Σ(p×q)/Σ|p|².
 */
export function estimateSimilarity(from: readonly Point[], to: readonly Point[]): Affine {
  if (from.length !== to.length || from.length < 2) throw new RangeError('need at least two matching point pairs');
  const n = from.length;
  let fx = 0;
  let fy = 0;
  let tx = 0;
  let ty = 0;
  for (let i = 0; i < n; i++) {
    fx += from[i][0];
    fy += from[i][1];
    tx += to[i][0];
    ty += to[i][1];
  }
  fx /= n;
  fy /= n;
  tx /= n;
  ty /= n;
  let dot = 0;
  let cross = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const px = from[i][0] - fx;
    const py = from[i][1] - fy;
    const qx = to[i][0] - tx;
    const qy = to[i][1] - ty;
    dot += px * qx + py * qy;
    cross += px * qy - py * qx;
    norm += px * px + py * py;
  }
  if (norm < 1e-9) throw new RangeError('source points coincide; no similarity is defined');
  const a = dot / norm;
  const b = cross / norm;
  return [a, -b, tx - a * fx + b * fy, b, a, ty - b * fx - a * fy];
}

/** Root-mean-square distance between `to` and the image of `from` under `m`. */
export function alignmentError(m: Affine, from: readonly Point[], to: readonly Point[]): number {
  let sum = 0;
  for (let i = 0; i < from.length; i++) {
    const x = m[0] * from[i][0] + m[1] * from[i][1] + m[2] - to[i][0];
    const y = m[3] * from[i][0] + m[4] * from[i][1] + m[5] - to[i][1];
    sum += x * x + y * y;
  }
  return Math.sqrt(sum / from.length);
}

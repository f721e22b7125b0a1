import type { AppearanceDirection } from './appearance-model.ts';
import { defaultPackDirections } from './default-pack-layout.ts';
import { invertSpd } from '../math/dense-linear-algebra.ts';
import type { RegionMasks } from '../edits/region-masks.ts';

/** How lit the face is from the image's right, from above, and overall: luminance balances over the face region. */
export function lightingAttributes(image: Float32Array, size: number, masks: RegionMasks): number[] {
  const plane = size * size;
  let total = 0;
  let cx = 0;
  let cy = 0;
  const weight = new Float32Array(plane);
  for (let j = 0; j < plane; j += 1) {
    weight[j] = Math.min(1, masks.skin[j] + masks.eyes[j] + masks.brows[j] + masks.nose[j] + masks.mouth[j]);
    total += weight[j];
    cx += weight[j] * (j % size);
    cy += weight[j] * Math.floor(j / size);
  }
  if (total <= 0) return [0, 0, 0];
  cx /= total;
  cy /= total;
  let right = 0;
  let above = 0;
  let bright = 0;
  for (let j = 0; j < plane; j += 1) {
    if (weight[j] === 0) continue;
    const luminance = 0.299 * image[j] + 0.587 * image[plane + j] + 0.114 * image[2 * plane + j];
    const w = weight[j] * luminance;
    right += j % size >= cx ? w : -w;
    above += Math.floor(j / size) < cy ? w : -w;
    bright += w;
  }
  return [right / total, above / total, bright / total];
}

/**
 * InterFaceGAN-style directions in the illumination codes, made conditional: one least-squares
 * regression of the codes on all measured lighting attributes together, so each direction is the
 * change that goes with its attribute while the others hold still (light from above is not just
 * "brighter forehead"). Strength 1 is the code change that goes with one standard deviation of
 * the attribute among the fitted faces.
 */
export function fitLightingDirections(
  codes: readonly Float32Array[],
  attributes: readonly number[][],
  width: number,
): AppearanceDirection[] {
  const n = codes.length;
  const k = codes[0]?.length ?? 0;
  const m = defaultPackDirections.length;
  if (k === 0 || n < m + 2) return [];
  const codeMean = new Float64Array(k);
  const attributeMean = new Float64Array(m);
  for (let i = 0; i < n; i += 1) {
    for (let c = 0; c < k; c += 1) codeMean[c] += codes[i][c] / n;
    for (let a = 0; a < m; a += 1) attributeMean[a] += attributes[i][a] / n;
  }
  const ata = new Float64Array(m * m);
  const atg = new Float64Array(m * k);
  for (let i = 0; i < n; i += 1) {
    for (let a = 0; a < m; a += 1) {
      const da = attributes[i][a] - attributeMean[a];
      for (let b = 0; b < m; b += 1) ata[a * m + b] += da * (attributes[i][b] - attributeMean[b]);
      for (let c = 0; c < k; c += 1) atg[a * k + c] += da * (codes[i][c] - codeMean[c]);
    }
  }
  let trace = 0;
  for (let a = 0; a < m; a += 1) trace += ata[a * m + a];
  if (trace < 1e-12) return [];
  for (let a = 0; a < m; a += 1) ata[a * m + a] += (1e-9 * trace) / m;
  const inverse = invertSpd(ata, m);
  const directions: AppearanceDirection[] = [];
  defaultPackDirections.forEach(({ name, label }, a) => {
    const slope = new Float64Array(k);
    for (let c = 0; c < k; c += 1) for (let b = 0; b < m; b += 1) slope[c] += inverse[a * m + b] * atg[b * k + c];
    const norm = Math.hypot(...slope);
    if (norm < 1e-12) return;
    const vector = new Float32Array(width);
    for (let c = 0; c < k; c += 1) vector[c] = slope[c] / norm;
    const attributeSd = Math.sqrt(ata[a * m + a] / n);
    directions.push({ name, label, layer: 0, edit: 'relight', vector, scale: norm * attributeSd });
  });
  return directions;
}

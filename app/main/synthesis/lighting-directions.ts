import type { AppearanceDirection } from './appearance-model.ts';
import { defaultPackDirections } from './default-pack-layout.ts';
import type { RegionMasks } from './region-masks.ts';

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
    right += (j % size) >= cx ? w : -w;
    above += Math.floor(j / size) < cy ? w : -w;
    bright += w;
  }
  return [right / total, above / total, bright / total];
}

/**
 * InterFaceGAN-style directions in the illumination codes: the slope of a least-squares
 * regression of the codes on each measured lighting attribute, normalised. Strength 1 is one
 * standard deviation of the fitted faces along it.
 */
export function fitLightingDirections(codes: readonly Float32Array[], attributes: readonly number[][], width: number): AppearanceDirection[] {
  const n = codes.length;
  const k = codes[0]?.length ?? 0;
  const directions: AppearanceDirection[] = [];
  if (k === 0) return directions;
  const codeMean = new Float64Array(k);
  for (const code of codes) for (let c = 0; c < k; c += 1) codeMean[c] += code[c] / n;
  defaultPackDirections.forEach(({ name, label }, a) => {
    const attributeMean = attributes.reduce((s, v) => s + v[a], 0) / n;
    let variance = 0;
    const slope = new Float64Array(k);
    for (let i = 0; i < n; i += 1) {
      const da = attributes[i][a] - attributeMean;
      variance += da * da;
      for (let c = 0; c < k; c += 1) slope[c] += da * (codes[i][c] - codeMean[c]);
    }
    const norm = Math.hypot(...slope);
    if (variance < 1e-12 || norm < 1e-12) return;
    const vector = new Float32Array(width);
    for (let c = 0; c < k; c += 1) vector[c] = slope[c] / norm;
    let spread = 0;
    for (const code of codes) {
      let t = 0;
      for (let c = 0; c < k; c += 1) t += (code[c] - codeMean[c]) * vector[c];
      spread += t * t;
    }
    directions.push({ name, label, layer: 0, edit: 'relight', vector, scale: Math.sqrt(spread / n) });
  });
  return directions;
}

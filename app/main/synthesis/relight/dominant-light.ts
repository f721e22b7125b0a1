import { lightDirection } from './light-spec.ts';

export interface DominantLight {
  readonly azimuth: number;
  readonly elevation: number;
  /** Lamp intensity E and ambient A of the fit luminance ≈ A + E·max(0, n·L). */
  readonly intensity: number;
  readonly ambient: number;
}

/**
 * The single lamp plus ambient that best explains the face's luminance: for each direction the
 * model is linear in (A, E), so a coarse grid over the lamp positions a photo can have, then a fine
 * one around the best, each solved by 2 × 2 least squares. A low-order SH fit over the visible
 * half of the sphere alone biases the direction toward the side (its bases are not orthogonal
 * there); this fit does not, and it is what provenance reports as the photo's light.
 */
export function fitDominantLight(luminance: Float32Array, normals: Float32Array, weights: Float32Array): DominantLight {
  const plane = luminance.length;
  const stride = Math.max(1, Math.floor(plane / 6000));
  // Samples of weight 0 add nothing to any sum: left out, the sums come out the same.
  const picked: number[] = [];
  for (let j = 0; j < plane; j += stride) if (weights[j] > 0) picked.push(j);
  // Gathered into flat arrays once: some six hundred directions are tried over the same samples.
  const count = picked.length;
  const nx = new Float64Array(count);
  const ny = new Float64Array(count);
  const nz = new Float64Array(count);
  const wt = new Float64Array(count);
  const lum = new Float64Array(count);
  for (const [i, j] of picked.entries()) {
    nx[i] = normals[j];
    ny[i] = normals[plane + j];
    nz[i] = normals[2 * plane + j];
    wt[i] = weights[j];
    lum[i] = luminance[j];
  }
  // The sums that do not involve the lamp's direction, once (in the order the per-direction loop added them).
  let sw = 0,
    sy = 0,
    syy = 0;
  for (let i = 0; i < count; i += 1) {
    const w = wt[i];
    const y = lum[i];
    sw += w;
    sy += w * y;
    syy += w * y * y;
  }
  const evaluate = (azimuth: number, elevation: number) => {
    const [lx, ly, lz] = lightDirection({ azimuth, elevation });
    let sx = 0,
      sxx = 0,
      sxy = 0;
    for (let i = 0; i < count; i += 1) {
      const d = nx[i] * lx + ny[i] * ly + nz[i] * lz;
      if (d <= 0) continue;
      const wx = wt[i] * d;
      sx += wx;
      sxx += wx * d;
      sxy += wx * lum[i];
    }
    const det = sw * sxx - sx * sx;
    if (sw <= 0 || det <= 1e-12) return { error: Infinity, intensity: 0, ambient: 0 };
    let intensity = (sw * sxy - sx * sy) / det;
    let ambient = (sy - intensity * sx) / sw;
    if (intensity < 0 || ambient < 0) {
      // Clamp to the physical side: a lamp cannot subtract light, nor ambient be negative.
      intensity = Math.max(0, intensity);
      ambient = Math.max(0, (sy - intensity * sx) / sw);
      if (ambient === 0 && sxx > 0) intensity = Math.max(0, sxy / sxx);
    }
    const error =
      syy - 2 * intensity * sxy - 2 * ambient * sy + intensity * intensity * sxx + 2 * intensity * ambient * sx + ambient * ambient * sw;
    return { error, intensity, ambient };
  };
  let best = { azimuth: 0, elevation: 0, ...evaluate(0, 0) };
  const search = (azimuths: number[], elevations: number[]) => {
    for (const azimuth of azimuths) {
      for (const elevation of elevations) {
        const fit = evaluate(azimuth, elevation);
        if (fit.error < best.error) best = { azimuth, elevation, ...fit };
      }
    }
  };
  const range = (from: number, to: number, step: number) =>
    Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);
  search(range(-130, 130, 10), range(-60, 90, 10));
  const { azimuth, elevation } = best;
  search(range(azimuth - 9, azimuth + 9, 1.5), range(Math.max(-90, elevation - 9), Math.min(90, elevation + 9), 1.5));
  return { azimuth: best.azimuth, elevation: best.elevation, intensity: best.intensity, ambient: best.ambient };
}

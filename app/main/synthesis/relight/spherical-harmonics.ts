import { invertSpd } from '../math/dense-linear-algebra.ts';

/** Real spherical harmonics up to order 2 at a unit normal (Ramamoorthi & Hanrahan's ordering). */
export function shBasis(
  x: number,
  y: number,
  z: number,
  out: Float64Array | Float32Array = new Float64Array(9),
): Float64Array | Float32Array {
  out[0] = 0.282095;
  out[1] = 0.488603 * y;
  out[2] = 0.488603 * z;
  out[3] = 0.488603 * x;
  out[4] = 1.092548 * x * y;
  out[5] = 1.092548 * y * z;
  out[6] = 0.315392 * (3 * z * z - 1);
  out[7] = 1.092548 * x * z;
  out[8] = 0.546274 * (x * x - y * y);
  return out;
}

/** Shading = Σ coefficients[k] · Y_k(n): 9 per channel, albedo folded in. */
export interface ShLighting {
  /** 3 × 9, channel-major (R, G, B). */
  readonly coefficients: Float64Array;
  /** Per-pixel weight the robust fit ended with (0 for features darker than shading explains). */
  readonly robust: Float32Array;
}

/**
 * The photo's lighting as 2nd-order spherical harmonics, 9 coefficients per channel, with the albedo
 * taken as constant over the skin. Least squares over pixels of the face, re-weighted three times
 * so that what is darker than skin shading can explain (brows, eyes, nostrils, lips, stubble) stops
 * pulling the fit: the classic "constant albedo, then albedo = image / shading" scheme.
 * `weights` (per pixel, 0‥1) says which pixels may take part: mesh coverage × validity.
 */
export function fitShLighting(image: Float32Array, size: number, normals: Float32Array, weights: Float32Array): ShLighting {
  const plane = size * size;
  const coefficients = new Float64Array(27);
  const robust = new Float32Array(plane).fill(1);
  // The pixels that take part, with their basis, gathered once: seven solves run over them.
  const pixels: number[] = [];
  for (let j = 0; j < plane; j += 1) if (weights[j] > 0) pixels.push(j);
  const n = pixels.length;
  const bases = new Float64Array(n * 9);
  const basis = new Float64Array(9);
  const w0 = new Float64Array(n);
  const luminance = new Float64Array(n);
  const channels = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  for (const [i, j] of pixels.entries()) {
    shBasis(normals[j], normals[plane + j], normals[2 * plane + j], basis);
    bases.set(basis, i * 9);
    w0[i] = weights[j];
    for (let c = 0; c < 3; c += 1) channels[c][i] = image[c * plane + j];
    luminance[i] = (channels[0][i] + channels[1][i] + channels[2][i]) / 3;
  }
  const w = Float64Array.from(w0);
  for (let pass = 0; pass < 4; pass += 1) {
    const lumaFit = solveSh(luminance, bases, w);
    // Residual scale from the weighted mean absolute residual; darker outliers are down-weighted harder.
    let sumAbs = 0;
    let sumW = 0;
    const residual = new Float64Array(n);
    for (let i = 0; i < n; i += 1) {
      let s = 0;
      for (let k = 0; k < 9; k += 1) s += lumaFit[k] * bases[i * 9 + k];
      residual[i] = luminance[i] - s;
      if (w[i] <= 0) continue;
      sumAbs += w[i] * Math.abs(residual[i]);
      sumW += w[i];
    }
    const scale = Math.max(1e-3, (sumAbs / Math.max(sumW, 1e-9)) * 1.5);
    for (let i = 0; i < n; i += 1) {
      const r = residual[i] / scale;
      // Tukey's biweight on the dark side (features), Huber-like on the bright side (specular).
      const weight = r < 0 ? (r < -2.5 ? 0 : (1 - (r / 2.5) ** 2) ** 2) : 1 / Math.max(1, r);
      robust[pixels[i]] = weight;
      w[i] = w0[i] * weight;
    }
  }
  for (let c = 0; c < 3; c += 1) coefficients.set(solveSh(channels[c], bases, w), c * 9);
  return { coefficients, robust };
}

function solveSh(values: Float64Array, bases: Float64Array, weights: Float64Array): Float64Array {
  const ata = new Float64Array(81);
  const atb = new Float64Array(9);
  let total = 0;
  for (let i = 0; i < weights.length; i += 1) {
    const w = weights[i];
    if (w <= 0) continue;
    const o = i * 9;
    for (let a = 0; a < 9; a += 1) {
      const wa = w * bases[o + a];
      atb[a] += wa * values[i];
      for (let b = a; b < 9; b += 1) ata[a * 9 + b] += wa * bases[o + b];
    }
    total += w;
  }
  if (total < 9) throw new Error('too few face pixels to estimate the lighting');
  for (let a = 0; a < 9; a += 1) for (let b = 0; b < a; b += 1) ata[a * 9 + b] = ata[b * 9 + a];
  // A face shows only the front hemisphere: a small ridge keeps the 2nd-order terms from running off.
  const ridge = [0, 1e-3, 1e-3, 1e-3, 1e-2, 1e-2, 1e-2, 1e-2, 1e-2];
  for (let a = 0; a < 9; a += 1) ata[a * 9 + a] += ridge[a] * total;
  const inverse = invertSpd(ata, 9);
  const x = new Float64Array(9);
  for (let a = 0; a < 9; a += 1) for (let b = 0; b < 9; b += 1) x[a] += inverse[a * 9 + b] * atb[b];
  return x;
}

export function evalSh(coefficients: Float64Array, channel: number, basis: Float64Array): number {
  let s = 0;
  for (let k = 0; k < 9; k += 1) s += coefficients[channel * 9 + k] * basis[k];
  return s;
}

/** The light's colour: each channel's band-0 coefficient over their mean (1, 1, 1 for white light). */
export function lightColour(lighting: ShLighting): [number, number, number] {
  const c = lighting.coefficients;
  const mean = (c[0] + c[9] + c[18]) / 3;
  return mean > 1e-9 ? [c[0] / mean, c[9] / mean, c[18] / mean] : [1, 1, 1];
}

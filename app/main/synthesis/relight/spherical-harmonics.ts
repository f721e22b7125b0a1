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
    const [lumaFit] = solveSh([luminance], bases, w);
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
  solveSh(channels, bases, w).forEach((fit, c) => coefficients.set(fit, c * 9));
  return { coefficients, robust };
}

/**
 * Weighted least squares of each of `values` on the nine bases, sharing one normal matrix (the
 * colour channels of the last pass have the same weights). The normal matrix's 45 sums are kept in
 * locals, not re-read from memory per pixel: this runs seven times over tens of thousands of pixels
 * per source, and the sums are added in the same order as a plain loop would, so the result is too.
 */
function solveSh(values: readonly Float64Array[], bases: Float64Array, weights: Float64Array): Float64Array[] {
  const ata = new Float64Array(81);
  const atb = values.map(() => new Float64Array(9));
  let total = 0;
  let a00 = 0;
  let a01 = 0;
  let a02 = 0;
  let a03 = 0;
  let a04 = 0;
  let a05 = 0;
  let a06 = 0;
  let a07 = 0;
  let a08 = 0;
  let a11 = 0;
  let a12 = 0;
  let a13 = 0;
  let a14 = 0;
  let a15 = 0;
  let a16 = 0;
  let a17 = 0;
  let a18 = 0;
  let a22 = 0;
  let a23 = 0;
  let a24 = 0;
  let a25 = 0;
  let a26 = 0;
  let a27 = 0;
  let a28 = 0;
  let a33 = 0;
  let a34 = 0;
  let a35 = 0;
  let a36 = 0;
  let a37 = 0;
  let a38 = 0;
  let a44 = 0;
  let a45 = 0;
  let a46 = 0;
  let a47 = 0;
  let a48 = 0;
  let a55 = 0;
  let a56 = 0;
  let a57 = 0;
  let a58 = 0;
  let a66 = 0;
  let a67 = 0;
  let a68 = 0;
  let a77 = 0;
  let a78 = 0;
  let a88 = 0;
  for (let i = 0; i < weights.length; i += 1) {
    const w = weights[i];
    if (w <= 0) continue;
    const o = i * 9;
    const b0 = bases[o + 0];
    const b1 = bases[o + 1];
    const b2 = bases[o + 2];
    const b3 = bases[o + 3];
    const b4 = bases[o + 4];
    const b5 = bases[o + 5];
    const b6 = bases[o + 6];
    const b7 = bases[o + 7];
    const b8 = bases[o + 8];
    const w0 = w * b0;
    const w1 = w * b1;
    const w2 = w * b2;
    const w3 = w * b3;
    const w4 = w * b4;
    const w5 = w * b5;
    const w6 = w * b6;
    const w7 = w * b7;
    const w8 = w * b8;
    a00 += w0 * b0;
    a01 += w0 * b1;
    a02 += w0 * b2;
    a03 += w0 * b3;
    a04 += w0 * b4;
    a05 += w0 * b5;
    a06 += w0 * b6;
    a07 += w0 * b7;
    a08 += w0 * b8;
    a11 += w1 * b1;
    a12 += w1 * b2;
    a13 += w1 * b3;
    a14 += w1 * b4;
    a15 += w1 * b5;
    a16 += w1 * b6;
    a17 += w1 * b7;
    a18 += w1 * b8;
    a22 += w2 * b2;
    a23 += w2 * b3;
    a24 += w2 * b4;
    a25 += w2 * b5;
    a26 += w2 * b6;
    a27 += w2 * b7;
    a28 += w2 * b8;
    a33 += w3 * b3;
    a34 += w3 * b4;
    a35 += w3 * b5;
    a36 += w3 * b6;
    a37 += w3 * b7;
    a38 += w3 * b8;
    a44 += w4 * b4;
    a45 += w4 * b5;
    a46 += w4 * b6;
    a47 += w4 * b7;
    a48 += w4 * b8;
    a55 += w5 * b5;
    a56 += w5 * b6;
    a57 += w5 * b7;
    a58 += w5 * b8;
    a66 += w6 * b6;
    a67 += w6 * b7;
    a68 += w6 * b8;
    a77 += w7 * b7;
    a78 += w7 * b8;
    a88 += w8 * b8;
    for (let v = 0; v < values.length; v += 1) {
      const y = values[v][i];
      const sums = atb[v];
      sums[0] += w0 * y;
      sums[1] += w1 * y;
      sums[2] += w2 * y;
      sums[3] += w3 * y;
      sums[4] += w4 * y;
      sums[5] += w5 * y;
      sums[6] += w6 * y;
      sums[7] += w7 * y;
      sums[8] += w8 * y;
    }
    total += w;
  }
  if (total < 9) throw new Error('too few face pixels to estimate the lighting');
  ata[0] = a00;
  ata[1] = a01;
  ata[2] = a02;
  ata[3] = a03;
  ata[4] = a04;
  ata[5] = a05;
  ata[6] = a06;
  ata[7] = a07;
  ata[8] = a08;
  ata[10] = a11;
  ata[11] = a12;
  ata[12] = a13;
  ata[13] = a14;
  ata[14] = a15;
  ata[15] = a16;
  ata[16] = a17;
  ata[17] = a18;
  ata[20] = a22;
  ata[21] = a23;
  ata[22] = a24;
  ata[23] = a25;
  ata[24] = a26;
  ata[25] = a27;
  ata[26] = a28;
  ata[30] = a33;
  ata[31] = a34;
  ata[32] = a35;
  ata[33] = a36;
  ata[34] = a37;
  ata[35] = a38;
  ata[40] = a44;
  ata[41] = a45;
  ata[42] = a46;
  ata[43] = a47;
  ata[44] = a48;
  ata[50] = a55;
  ata[51] = a56;
  ata[52] = a57;
  ata[53] = a58;
  ata[60] = a66;
  ata[61] = a67;
  ata[62] = a68;
  ata[70] = a77;
  ata[71] = a78;
  ata[80] = a88;
  for (let a = 0; a < 9; a += 1) for (let b = 0; b < a; b += 1) ata[a * 9 + b] = ata[b * 9 + a];
  // A face shows only the front hemisphere: a small ridge keeps the 2nd-order terms from running off.
  const ridge = [0, 1e-3, 1e-3, 1e-3, 1e-2, 1e-2, 1e-2, 1e-2, 1e-2];
  for (let a = 0; a < 9; a += 1) ata[a * 9 + a] += ridge[a] * total;
  const inverse = invertSpd(ata, 9);
  return atb.map((sums) => {
    const x = new Float64Array(9);
    for (let a = 0; a < 9; a += 1) for (let b = 0; b < 9; b += 1) x[a] += inverse[a * 9 + b] * sums[b];
    return x;
  });
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

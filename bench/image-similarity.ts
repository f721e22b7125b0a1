import type { PlanarImage } from '../app/main/synthesis/packs/image-tensor.ts';

function luminance(image: PlanarImage): Float32Array {
  const plane = image.size * image.size;
  const out = new Float32Array(plane);
  for (let j = 0; j < plane; j += 1) out[j] = 0.299 * image.data[j] + 0.587 * image.data[plane + j] + 0.114 * image.data[2 * plane + j];
  return out;
}

/** PSNR in dB of the luminance over the pixels where `mask` > 0.5 (values 0‥1). */
export function maskedPsnr(a: PlanarImage, b: PlanarImage, mask: Float32Array): number {
  const la = luminance(a);
  const lb = luminance(b);
  let sum = 0;
  let n = 0;
  for (let j = 0; j < la.length; j += 1) {
    if (mask[j] <= 0.5) continue;
    sum += (la[j] - lb[j]) ** 2;
    n += 1;
  }
  const mse = sum / Math.max(1, n);
  return mse <= 1e-12 ? 99 : 10 * Math.log10(1 / mse);
}

/**
 * Mean SSIM of the luminance (7 × 7 box windows, the usual constants for a 0‥1 range) over the
 * pixels where `mask` > 0.5 and the whole window lies inside the mask.
 */
export function maskedSsim(a: PlanarImage, b: PlanarImage, mask: Float32Array): number {
  const size = a.size;
  const la = luminance(a);
  const lb = luminance(b);
  const r = 3;
  const c1 = 0.01 ** 2;
  const c2 = 0.03 ** 2;
  const inside = new Uint8Array(la.length);
  for (let j = 0; j < la.length; j += 1) inside[j] = mask[j] > 0.5 ? 1 : 0;
  let total = 0;
  let n = 0;
  for (let y = r; y < size - r; y += 1) {
    for (let x = r; x < size - r; x += 1) {
      if (!inside[y * size + x]) continue;
      let ok = true;
      let sa = 0,
        sb = 0,
        saa = 0,
        sbb = 0,
        sab = 0;
      for (let dy = -r; dy <= r && ok; dy += 1) {
        for (let dx = -r; dx <= r; dx += 1) {
          const j = (y + dy) * size + x + dx;
          if (!inside[j]) {
            ok = false;
            break;
          }
          sa += la[j];
          sb += lb[j];
          saa += la[j] * la[j];
          sbb += lb[j] * lb[j];
          sab += la[j] * lb[j];
        }
      }
      if (!ok) continue;
      const m = (2 * r + 1) ** 2;
      const ma = sa / m;
      const mb = sb / m;
      const va = saa / m - ma * ma;
      const vb = sbb / m - mb * mb;
      const cov = sab / m - ma * mb;
      total += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
      n += 1;
    }
  }
  return n === 0 ? 0 : total / n;
}

import { boxDownsample, resizePlanar, type PlanarImage } from '../packs/image-tensor.ts';
import { yieldToEventLoop } from '../../core/event-loop.ts';

/**
 * Burt–Adelson multiband blending: `inside` where `matte` is 1, `outside` where it is 0, each
 * frequency band mixed over a transition as wide as the band, so coarse colour meets without a
 * seam and fine texture without a halo. `matte` is one value per pixel (size × size).
 * A 256 px blend holds the main thread 40–100 ms: it gives the event loop a turn after each
 * pyramid level, so a job of hair or background swaps never freezes the served host for that long.
 */
export async function multibandBlend(outside: PlanarImage, inside: PlanarImage, matte: Float32Array): Promise<PlanarImage> {
  const size = outside.size;
  if (inside.size !== size || matte.length !== size * size) throw new Error('multiband blend needs images and matte of one size');
  const plane = size * size;
  const matte3 = new Float32Array(plane * 3);
  for (let c = 0; c < 3; c++) matte3.set(matte, c * plane);
  let a: PlanarImage = outside;
  let b: PlanarImage = confined(outside, inside, matte3);
  let m: PlanarImage = { size, data: matte3 };
  const bands: PlanarImage[] = [];
  // Down to an eighth of the image, no further: a coarser band would spread one side's colour a
  // quarter of the way across the crop, over the face a swap must leave as it was.
  while (a.size % 2 === 0 && a.size >= 16 && a.size > size / 8) {
    const half = a.size / 2;
    const a2 = { size: half, data: boxDownsample(a.data, a.size, half) };
    const b2 = { size: half, data: boxDownsample(b.data, b.size, half) };
    const aUp = resizePlanar(a2, a.size).data;
    const bUp = resizePlanar(b2, b.size).data;
    const band = new Float32Array(a.data.length);
    for (let i = 0; i < band.length; i++) band[i] = (a.data[i] - aUp[i]) * (1 - m.data[i]) + (b.data[i] - bUp[i]) * m.data[i];
    bands.push({ size: a.size, data: band });
    a = a2;
    b = b2;
    m = { size: half, data: boxDownsample(m.data, m.size, half) };
    await yieldToEventLoop();
  }
  let out = new Float32Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i] * (1 - m.data[i]) + b.data[i] * m.data[i];
  let level: PlanarImage = { size: a.size, data: out };
  for (const band of bands.reverse()) {
    out = resizePlanar(level, band.size).data.slice();
    for (let i = 0; i < out.length; i++) out[i] += band.data[i];
    level = { size: band.size, data: out };
    await yieldToEventLoop();
  }
  return level;
}

/**
 * `inside` kept only within reach of its matte, `outside` beyond it. The coarse bands are mixed
 * through a matte averaged over blocks up to an eighth of the image wide, so whatever `inside`
 * holds far from its region (a swap's generator also changes the face) would leak into it as
 * blotches and ghosts; confined first, all that can leak there is `outside` itself.
 */
function confined(outside: PlanarImage, inside: PlanarImage, matte3: Float32Array): PlanarImage {
  const size = outside.size;
  const block = size % 8 === 0 ? size / 8 : size;
  const wide = resizePlanar({ size: block, data: boxDownsample(matte3, size, block) }, size).data;
  const data = new Float32Array(inside.data.length);
  for (let i = 0; i < data.length; i++) {
    const reach = Math.min(1, Math.max(matte3[i], 2 * wide[i]));
    data[i] = outside.data[i] + reach * (inside.data[i] - outside.data[i]);
  }
  return { size, data };
}

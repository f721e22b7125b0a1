import sharp from 'sharp';
import type { RgbImage } from './rgb-image.ts';

/** The photo, extended where a crop's field of view leaves it. Canvas pixel = source pixel + offset. */
export interface PaddedCanvas {
  readonly image: RgbImage;
  readonly offsetX: number;
  readonly offsetY: number;
}

export interface SourceBox {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/**
 * FFHQ's padding recipe, in libvips: reflect the photo across its edges, blend the reflection into
 * a blurred copy of itself and fade it towards the photo's median colour with the distance from the
 * edge. A crop that reaches past the photo then shows a soft continuation instead of the edge row
 * smeared outwards, and mirrored features (a second chin, an eye) dissolve before they read as real.
 * Blur and fade scale with the crop's extent in the photo (`frameSize`), as in the FFHQ script.
 * Inside the photo the canvas is the photo, untouched.
 */
export async function paddedCanvas(image: RgbImage, frame: SourceBox, frameSize: number): Promise<PaddedCanvas> {
  const sigma = Math.max(0.5, 0.02 * frameSize);
  const fade = Math.max(4, 0.15 * frameSize);
  const margin = 2 + Math.ceil(3 * sigma);
  const bx0 = Math.floor(frame.x0) - margin;
  const by0 = Math.floor(frame.y0) - margin;
  const bx1 = Math.ceil(frame.x1) + margin;
  const by1 = Math.ceil(frame.y1) + margin;
  const { width: w, height: h } = image;
  if (bx0 >= 0 && by0 >= 0 && bx1 <= w && by1 <= h) return { image, offsetX: 0, offsetY: 0 };

  // Only the part of the photo the crop can see (plus the blur's reach) is extended and blurred.
  let rx0 = Math.max(0, bx0);
  let ry0 = Math.max(0, by0);
  let rx1 = Math.min(w, bx1);
  let ry1 = Math.min(h, by1);
  if (rx1 - rx0 < 2 || ry1 - ry0 < 2) [rx0, ry0, rx1, ry1] = [0, 0, w, h];
  const left = Math.max(0, rx0 - bx0);
  const top = Math.max(0, ry0 - by0);
  const right = Math.max(0, bx1 - rx1);
  const bottom = Math.max(0, by1 - ry1);
  const raw = { raw: { width: w, height: h, channels: 3 as const } };
  const mirrored = await sharp(image.data, raw)
    .extract({ left: rx0, top: ry0, width: rx1 - rx0, height: ry1 - ry0 })
    .extend({ left, top, right, bottom, extendWith: 'mirror' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const cw = mirrored.info.width;
  const ch = mirrored.info.height;
  const blurred = await sharp(mirrored.data, { raw: { width: cw, height: ch, channels: 3 } })
    .blur(sigma)
    .raw()
    .toBuffer();
  const median = channelMedians(image, rx0, ry0, rx1, ry1);

  const offsetX = left - rx0;
  const offsetY = top - ry0;
  const data = new Uint8Array(mirrored.data.buffer, mirrored.data.byteOffset, mirrored.data.byteLength);
  for (let cy = 0; cy < ch; cy++) {
    const sy = cy - offsetY + 0.5;
    const dy = sy < 0 ? -sy : sy > h ? sy - h : 0;
    for (let cx = 0; cx < cw; cx++) {
      const sx = cx - offsetX + 0.5;
      const dx = sx < 0 ? -sx : sx > w ? sx - w : 0;
      if (dx === 0 && dy === 0) continue;
      const d = Math.hypot(dx, dy);
      const toBlur = Math.min(1, d / (2 * sigma));
      const toMedian = Math.min(1, d / fade);
      const p = (cy * cw + cx) * 3;
      for (let c = 0; c < 3; c++) {
        const soft = data[p + c] + (blurred[p + c] - data[p + c]) * toBlur;
        data[p + c] = Math.round(soft + (median[c] - soft) * toMedian);
      }
    }
  }
  return { image: { width: cw, height: ch, data }, offsetX, offsetY };
}

function channelMedians(image: RgbImage, x0: number, y0: number, x1: number, y1: number): [number, number, number] {
  const histograms = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const p = (y * image.width + x) * 3;
      histograms[0][image.data[p]]++;
      histograms[1][image.data[p + 1]]++;
      histograms[2][image.data[p + 2]]++;
    }
  }
  const half = ((x1 - x0) * (y1 - y0)) / 2;
  const median = (histogram: Uint32Array): number => {
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += histogram[v];
      if (seen >= half) return v;
    }
    return 255;
  };
  return [median(histograms[0]), median(histograms[1]), median(histograms[2])];
}

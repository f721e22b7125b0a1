import sharp from 'sharp';

export interface Difference {
  /** PNG data URL, so the compare view needs no extra media route for a picture nobody keeps. */
  readonly dataUrl: string;
  /** Mean |variant − source| over all channels, 0 (same) to 1. */
  readonly mean: number;
}

/** Small differences (a lighting tweak) would be invisible at 1:1; this makes them readable. */
const GAIN = 4;
const MAX_SIDE = 512;

/**
 * |variant − source| per pixel, in the variant's frame. Callers pass the source face aligned the way
 * the generator saw it when they can; a whole photo is only resized, so there the difference also
 * shows the framing, not just the edit.
 */
export async function differenceImage(source: string | RawRgb, variantPath: string, width: number, height: number): Promise<Difference> {
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const [before, variant] = await Promise.all([rgb(source, w, h), rgb(variantPath, w, h)]);
  const out = Buffer.alloc(before.length);
  let total = 0;
  for (let i = 0; i < before.length; i += 1) {
    const delta = Math.abs(before[i] - variant[i]);
    total += delta;
    out[i] = Math.min(255, delta * GAIN);
  }
  const png = await sharp(out, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toBuffer();
  return { dataUrl: `data:image/png;base64,${png.toString('base64')}`, mean: total / (before.length * 255) };
}

/** Interleaved 8-bit RGB pixels, e.g. an aligned crop that exists only in memory. */
export interface RawRgb {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

async function rgb(input: string | RawRgb, width: number, height: number): Promise<Buffer> {
  const image =
    typeof input === 'string' ? sharp(input) : sharp(input.data, { raw: { width: input.width, height: input.height, channels: 3 } });
  return image.rotate().resize(width, height, { fit: 'fill' }).removeAlpha().toColourspace('srgb').raw().toBuffer();
}

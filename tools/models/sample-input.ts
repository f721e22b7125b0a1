/**
 * Model inputs for parity tests and benchmarks: a real face photo from
 * ../shared/faces resized to the model's input, or, where that folder is
 * absent, a deterministic pseudo-random image; then normalised per manifest.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { CatalogInput } from './model-catalog.ts';
import { SHARED_FACES_DIR } from './paths.ts';

export const SAMPLE_FACE = 'johns/John_Simm/000288_00470387.jpg';

export interface SampleImage {
  /** height × width × 3 RGB values in 0..255. */
  pixels: Float32Array;
  /** Where the pixels came from, for test logs. */
  source: string;
  real: boolean;
}

/** Mulberry32: a tiny seeded generator, so the fallback image is the same on every machine. */
function pseudoRandomPixels(count: number, seed: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * 256);
  });
}

export async function sampleImage(width: number, height: number, mirrored = false): Promise<SampleImage> {
  const path = join(SHARED_FACES_DIR, SAMPLE_FACE);
  if (!existsSync(path)) {
    return { pixels: pseudoRandomPixels(width * height * 3, mirrored ? 2 : 1), source: `pseudo-random (${path} is missing)`, real: false };
  }
  let image = sharp(path).removeAlpha().toColourspace('srgb').resize(width, height, { fit: 'fill' });
  if (mirrored) image = image.flop();
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`${SAMPLE_FACE} decoded to ${info.channels} channels`);
  return { pixels: Float32Array.from(data), source: `${SAMPLE_FACE}${mirrored ? ' (mirrored)' : ''}`, real: true };
}

/** RGB 0..255 pixels → the model's input values, reordering channels where the model wants BGR. */
export function normaliseInput(pixels: Float32Array, input: CatalogInput): Float32Array {
  const { mean, std } = input.normalisation;
  const order = input.colour === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i += 3) {
    for (let c = 0; c < 3; c++) out[i + c] = (pixels[i + order[c]] - mean[c]) / std[c];
  }
  return out;
}

import sharp from 'sharp';
import { rgbFromPlanar, type PlanarImage } from '../packs/image-tensor.ts';

/**
 * PNG with every encoder choice pinned (compression level, no adaptive filtering, no palette),
 * so the same pixels always give the same bytes: a recipe's reproduction can be checked by hash.
 */
export async function encodeVariantPng(image: PlanarImage): Promise<Uint8Array> {
  return encodeRgbPng(rgbFromPlanar(image), image.size);
}

/** `encodeVariantPng` of pixels already interleaved 8-bit RGB, `size`² of them. */
export async function encodeRgbPng(rgb: Uint8Array, size: number): Promise<Uint8Array> {
  const png = await sharp(rgb, { raw: { width: size, height: size, channels: 3 } })
    .png({ compressionLevel: 9, adaptiveFiltering: false, palette: false, progressive: false })
    .toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

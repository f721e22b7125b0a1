import sharp from 'sharp';

/** Interleaved 8-bit RGB, row-major, no padding: what every vision step consumes. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/**
 * Decodes any image sharp reads into upright RGB: EXIF orientation applied (so coordinates match the
 * width/height the dataset records), alpha dropped, greyscale expanded to three channels.
 */
export async function decodeRgb(input: string | Uint8Array): Promise<RgbImage> {
  const { data, info } = await sharp(input, { failOn: 'error' })
    .rotate()
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`decoded image has ${info.channels} channels, expected 3`);
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** PNG of interleaved 8-bit pixels: RGB, or one channel (a mask) when the data holds one value per pixel. */
export async function encodePng(image: {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}): Promise<Uint8Array> {
  const channels = image.data.length / (image.width * image.height) === 1 ? 1 : 3;
  const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels } })
    .png({ compressionLevel: 6 })
    .toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/**
 * Local contrast equalisation (CLAHE) on the luminance: rescues faces lit from the side or barely
 * lit at all, which BlazeFace misses in the raw pixels. Geometry is unchanged.
 */
export async function equaliseContrast(image: RgbImage): Promise<RgbImage> {
  const tile = Math.max(8, Math.round(Math.min(image.width, image.height) / 6));
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .clahe({ width: tile, height: tile, maxSlope: 6 })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== image.width || info.height !== image.height) {
    throw new Error('contrast equalisation changed the image geometry');
  }
  return { width: image.width, height: image.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

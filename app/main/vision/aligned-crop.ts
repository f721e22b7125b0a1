import { ApiError } from '#api/errors.ts';
import type { ProjectSession } from '../project/project-session.ts';
import { affineFromRows, applyAffine, composeAffine, invertAffine, sourcePixelsPerOutputPixel, type Affine } from './affine.ts';
import { toRgbBytes, warpAffine } from './bilinear-warp.ts';
import { alignmentTransform, transformForSize, type AlignmentTemplate, type FivePoints } from './face-templates.ts';
import { paddedCanvas } from './padded-canvas.ts';
import { decodeRgb, type RgbImage } from './rgb-image.ts';
import { sourceImagePath } from '../project/original-files.ts';

export interface AlignedCropOptions {
  readonly template: AlignmentTemplate;
  /** Side of the square crop in pixels. */
  readonly size: number;
  /** 'uint8': 0‥255 bytes (default); 'float32': 0‥1. Both interleaved RGB, row-major. */
  readonly format?: 'uint8' | 'float32';
  /**
   * Outside the photo: 'reflect' (default) pads by reflection blended into a blurred copy that
   * fades to the photo's median colour (the FFHQ recipe); 'black' fills zeros, as identity
   * embedders sample. Borders are never stretched: the mask says which pixels are real either way.
   */
  readonly border?: 'reflect' | 'black';
}

export interface AlignedCrop<D extends Uint8Array | Float32Array = Uint8Array | Float32Array> {
  readonly width: number;
  readonly height: number;
  readonly channels: 3;
  readonly data: D;
  readonly template: AlignmentTemplate;
  /** Source image pixels → crop pixels, so a caller can map results back onto the photo. */
  readonly transform: Affine;
  /** One byte per crop pixel, row-major: 255 where the pixel samples the photo, 0 where it is padding. */
  readonly mask: Uint8Array;
  /** Share of crop pixels that are real photo (mask = 255), 0‥1. */
  readonly validShare: number;
}

export function loadAlignedCrop(
  session: ProjectSession,
  faceId: number,
  options: AlignedCropOptions & { format: 'float32' },
): Promise<AlignedCrop<Float32Array>>;
export function loadAlignedCrop(
  session: ProjectSession,
  faceId: number,
  options: AlignedCropOptions & { format?: 'uint8' },
): Promise<AlignedCrop<Uint8Array>>;
/**
 * A face of an analysed image, aligned to the ArcFace or generator template at `size`, decoded from
 * the original file (never from a stored crop, so any size is full quality). The generator framing
 * is the one analysis chose for this image and stored (see `generatorFraming`).
 */
export async function loadAlignedCrop(session: ProjectSession, faceId: number, options: AlignedCropOptions): Promise<AlignedCrop> {
  const { imageId, reference } = storedReference(session, faceId, options.template);
  const image = await decodeRgb(sourceImagePath(session.db, imageId));
  return alignCrop(image, reference, options);
}

/** The face's image and its stored source → template (reference size) transform. */
export function storedReference(
  session: ProjectSession,
  faceId: number,
  template: AlignmentTemplate,
): { imageId: number; reference: Affine } {
  const row = session.db
    .prepare('SELECT image_id, five_points, arcface_transform, generator_transform FROM faces WHERE id = ?')
    .get(faceId) as
    { image_id: number; five_points: string | null; arcface_transform: string | null; generator_transform: string | null } | undefined;
  if (!row) throw new ApiError('NOT_FOUND', `no face ${faceId}`);
  const reference = referenceTransform(row, template);
  if (!reference) throw new ApiError('NOT_FOUND', `face ${faceId} has no landmarks to align by`);
  return { imageId: row.image_id, reference };
}

/** The columns of a `faces` row that place it on a template. */
export interface FaceAlignmentColumns {
  readonly five_points: string | null;
  readonly arcface_transform: string | null;
  readonly generator_transform: string | null;
}

/**
 * A face's source → template (reference size) transform: the one analysis stored, else derived from
 * its five points (a row written before that template's transform was stored); null with neither.
 */
export function referenceTransform(row: FaceAlignmentColumns, template: AlignmentTemplate): Affine | null {
  const stored = template === 'arcface' ? row.arcface_transform : row.generator_transform;
  if (stored) return affineFromRows(JSON.parse(stored) as number[][]);
  if (row.five_points) return alignmentTransform(JSON.parse(row.five_points) as FivePoints, template);
  return null;
}

export function alignCrop(
  image: RgbImage,
  reference: Affine,
  options: AlignedCropOptions & { format: 'float32' },
): Promise<AlignedCrop<Float32Array>>;
export function alignCrop(
  image: RgbImage,
  reference: Affine,
  options: AlignedCropOptions & { format?: 'uint8' },
): Promise<AlignedCrop<Uint8Array>>;
export function alignCrop(image: RgbImage, reference: Affine, options: AlignedCropOptions): Promise<AlignedCrop>;
/**
 * Aligns a face in an already decoded image, given its reference-size transform for
 * `options.template`. The one crop path: analysis, synthesis, scoring, compare and export all
 * come through here, so a face looks the same (pixels and padding) wherever it is shown or used.
 */
export async function alignCrop(image: RgbImage, reference: Affine, options: AlignedCropOptions): Promise<AlignedCrop> {
  if (!Number.isInteger(options.size) || options.size < 16 || options.size > 4096) {
    throw new ApiError('INVALID_INPUT', `crop size must be an integer in 16‥4096, got ${options.size}`);
  }
  const size = options.size;
  const transform = transformForSize(reference, options.template, size);
  const mask = validityMask(image, transform, size);
  let validShare = 0;
  for (const v of mask) validShare += v;
  validShare /= 255 * mask.length;
  let warped;
  if (options.border === 'black') {
    warped = warpAffine(image, transform, size, size, 'black');
  } else {
    const canvas = await paddedCanvas(image, frameBounds(transform, size), sourcePixelsPerOutputPixel(transform) * size);
    const toCanvas: Affine = [1, 0, canvas.offsetX, 0, 1, canvas.offsetY];
    warped = warpAffine(canvas.image, composeAffine(transform, invertAffine(toCanvas)), size, size, 'clamp');
  }
  const base = { width: size, height: size, channels: 3 as const, template: options.template, transform, mask, validShare };
  if (options.format === 'float32') {
    const data = new Float32Array(warped.data.length);
    for (let i = 0; i < data.length; i++) data[i] = Math.min(1, Math.max(0, warped.data[i] / 255));
    return { ...base, data };
  }
  return { ...base, data: toRgbBytes(warped).data };
}

/** 255 where a crop pixel's centre maps inside the photo, else 0. */
export function validityMask(image: { width: number; height: number }, toCrop: Affine, size: number): Uint8Array {
  const [a, b, c, d, e, f] = invertAffine(toCrop);
  const mask = new Uint8Array(size * size);
  for (let v = 0; v < size; v++) {
    // Source position of the row's first pixel centre, stepped along the row.
    let x = a * 0.5 + b * (v + 0.5) + c;
    let y = d * 0.5 + e * (v + 0.5) + f;
    for (let u = 0; u < size; u++, x += a, y += d) {
      if (x >= 0 && y >= 0 && x <= image.width && y <= image.height) mask[v * size + u] = 255;
    }
  }
  return mask;
}

/** Source-pixel box the `size`×`size` crop covers. */
function frameBounds(toCrop: Affine, size: number): { x0: number; y0: number; x1: number; y1: number } {
  const inverse = invertAffine(toCrop);
  const corners = [
    applyAffine(inverse, [0, 0]),
    applyAffine(inverse, [size, 0]),
    applyAffine(inverse, [0, size]),
    applyAffine(inverse, [size, size]),
  ];
  return {
    x0: Math.min(...corners.map((c) => c[0])),
    y0: Math.min(...corners.map((c) => c[1])),
    x1: Math.max(...corners.map((c) => c[0])),
    y1: Math.max(...corners.map((c) => c[1])),
  };
}

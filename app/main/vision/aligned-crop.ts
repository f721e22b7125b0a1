import { ApiError } from '../../api/errors.ts';
import type { ProjectSession } from '../project/project-session.ts';
import { affineFromRows, type Affine } from './affine.ts';
import { toRgbBytes, warpAffine, type Border } from './bilinear-warp.ts';
import { alignmentTransform, transformForSize, type AlignmentTemplate, type FivePoints } from './face-templates.ts';
import { decodeRgb, type RgbImage } from './rgb-image.ts';
import { sourceImagePath } from './source-images.ts';

export interface AlignedCropOptions {
  readonly template: AlignmentTemplate;
  /** Side of the square crop in pixels. */
  readonly size: number;
  /** 'uint8': 0‥255 bytes (default); 'float32': 0‥1. Both interleaved RGB, row-major. */
  readonly format?: 'uint8' | 'float32';
  /** Outside the photo: repeat the edge (default) or fill black. */
  readonly border?: Border;
}

export interface AlignedCrop<D extends Uint8Array | Float32Array = Uint8Array | Float32Array> {
  readonly width: number;
  readonly height: number;
  readonly channels: 3;
  readonly data: D;
  readonly template: AlignmentTemplate;
  /** Source image pixels → crop pixels, so a caller can map results back onto the photo. */
  readonly transform: Affine;
}

export function loadAlignedCrop(session: ProjectSession, faceId: number, options: AlignedCropOptions & { format: 'float32' }): Promise<AlignedCrop<Float32Array>>;
export function loadAlignedCrop(session: ProjectSession, faceId: number, options: AlignedCropOptions & { format?: 'uint8' }): Promise<AlignedCrop<Uint8Array>>;
/**
 * A face of an analysed image, aligned to the ArcFace or generator template at `size`, decoded from
 * the original file (never from a stored crop, so any size is full quality).
 */
export async function loadAlignedCrop(session: ProjectSession, faceId: number, options: AlignedCropOptions): Promise<AlignedCrop> {
  const row = session.db
    .prepare('SELECT image_id, five_points, arcface_transform, generator_transform FROM faces WHERE id = ?')
    .get(faceId) as
    | { image_id: number; five_points: string | null; arcface_transform: string | null; generator_transform: string | null }
    | undefined;
  if (!row) throw new ApiError('NOT_FOUND', `no face ${faceId}`);
  const stored = options.template === 'arcface' ? row.arcface_transform : row.generator_transform;
  let reference: Affine;
  if (stored) reference = affineFromRows(JSON.parse(stored) as number[][]);
  else if (row.five_points) reference = alignmentTransform(JSON.parse(row.five_points) as FivePoints, options.template);
  else throw new ApiError('NOT_FOUND', `face ${faceId} has no landmarks to align by`);
  const image = await decodeRgb(sourceImagePath(session.db, row.image_id));
  return alignCrop(image, reference, options);
}

/** Aligns a face in an already decoded image, given its reference-size transform for `options.template`. */
export function alignCrop(image: RgbImage, reference: Affine, options: AlignedCropOptions): AlignedCrop {
  if (!Number.isInteger(options.size) || options.size < 16 || options.size > 4096) {
    throw new ApiError('INVALID_INPUT', `crop size must be an integer in 16‥4096, got ${options.size}`);
  }
  const transform = transformForSize(reference, options.template, options.size);
  const warped = warpAffine(image, transform, options.size, options.size, options.border ?? 'clamp');
  const base = { width: options.size, height: options.size, channels: 3 as const, template: options.template, transform };
  if (options.format === 'float32') {
    const data = new Float32Array(warped.data.length);
    for (let i = 0; i < data.length; i++) data[i] = Math.min(1, Math.max(0, warped.data[i] / 255));
    return { ...base, data };
  }
  return { ...base, data: toRgbBytes(warped).data };
}

import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import sharp, { type Metadata, type SharpOptions } from 'sharp';
import { thumbKey as thumbKeyOf } from '../media/media-keys.ts';
import type { MediaStore } from '../media/media-store.ts';
import { DecodeGate } from './decode-gate.ts';
import { decodeProblem } from './decode-failure.ts';
import { problemFromFsError } from './fs-problems.ts';
import type { ImportProblem } from './import-item.ts';

/** Face photos are far below both limits; anything above them is a mistake or a decompression bomb. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
export const MAX_PIXELS = 100_000_000;
export const THUMB_MAX_SIDE = 256;

/**
 * 'error' rather than the stricter 'warning': many real dataset JPEGs carry benign warnings
 * ("extraneous bytes before marker") and display fine everywhere, while truncation and corrupt
 * data still fail.
 */
export const decodeOptions = { failOn: 'error', limitInputPixels: MAX_PIXELS } as const satisfies SharpOptions;

const acceptedFormats = new Set(['jpeg', 'png', 'webp']);
const decodes = new DecodeGate();

export interface InspectedImage {
  readonly hash: string;
  readonly bytes: number;
  readonly format: string;
  /** After EXIF orientation: what a viewer shows. */
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  /** The EXIF orientation tag (1–8); 1 when the file has none, which means the same. */
  readonly orientation: number;
  readonly thumbKey: string;
}

export type Inspection =
  | { readonly ok: true; readonly image: InspectedImage }
  | { readonly ok: false; readonly bytes: number | null; readonly problem: ImportProblem };

/** Reads, hashes and fully decodes one file, leaving its thumbnail in the media store; never throws for a bad file. */
export async function inspectImage(path: string, label: string, media: MediaStore): Promise<Inspection> {
  const file = await readImageFile(path, label);
  if (!file.ok) return file;
  const read = file.bytes;
  const refuse = (problem: ImportProblem): Inspection => ({ ok: false, bytes: read.length, problem });

  let meta: Metadata;
  try {
    // Only the header is read here, so the pixel limit is checked below with a message giving the size.
    meta = await decodes.run(() => sharp(read, { ...decodeOptions, limitInputPixels: false }).metadata());
  } catch (error) {
    return refuse(decodeProblem(label, read, error));
  }
  if (!acceptedFormats.has(meta.format)) {
    return refuse({
      code: 'UNSUPPORTED_FORMAT',
      message: `${label} is a ${meta.format.toUpperCase()} image; only JPEG, PNG and WebP are imported`,
    });
  }
  if (meta.width * meta.height > MAX_PIXELS) {
    return refuse({
      code: 'TOO_LARGE',
      message: `${label} is ${meta.width}×${meta.height} pixels, over the ${MAX_PIXELS / 1e6}-megapixel limit`,
    });
  }

  const hash = createHash('sha256').update(read).digest('hex');
  const thumbKey = thumbKeyOf(hash);
  // The key is the content hash, so an existing thumbnail means these exact bytes already decoded.
  if (!media.has(thumbKey)) {
    let thumb: Buffer;
    try {
      // Effort 0, the fastest WebP method: at the same quality its thumbnails are about a third larger
      // (under 1 kB more for a face chip), while encoding is the largest cost of an import.
      thumb = await decodes.run(() =>
        sharp(read, decodeOptions)
          .autoOrient()
          .resize(THUMB_MAX_SIDE, THUMB_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
          .webp({ quality: 80, effort: 0 })
          .toBuffer(),
      );
    } catch (error) {
      return refuse(decodeProblem(label, read, error));
    }
    await media.write(thumbKey, thumb);
  }
  return {
    ok: true,
    image: {
      hash,
      bytes: read.length,
      format: meta.format,
      width: meta.autoOrient.width,
      height: meta.autoOrient.height,
      channels: meta.channels,
      orientation: meta.orientation ?? 1,
      thumbKey,
    },
  };
}

type Refusal = Extract<Inspection, { ok: false }>;

async function readImageFile(path: string, label: string): Promise<{ ok: true; bytes: Buffer } | Refusal> {
  const refuse = (problem: ImportProblem, bytes: number | null = null): Refusal => ({ ok: false, bytes, problem });
  try {
    // stat before open: opening a FIFO that merely carries an image name would block the import.
    const info = await stat(path);
    if (!info.isFile()) return refuse({ code: 'NOT_A_FILE', message: `${label} is not a regular file` });
    if (info.size > MAX_FILE_BYTES) {
      const mb = (info.size / 2 ** 20).toFixed(1);
      return refuse({ code: 'TOO_LARGE', message: `${label} is ${mb} MB, over the ${MAX_FILE_BYTES / 2 ** 20} MB limit` }, info.size);
    }
    const bytes = await readFile(path);
    if (bytes.length === 0) return refuse({ code: 'EMPTY_FILE', message: `${label} is empty (0 bytes)` }, 0);
    return { ok: true, bytes };
  } catch (error) {
    return refuse(problemFromFsError(label, error));
  }
}

/**
 * Extended Yale B from ../shared/faces/yale, through the product's vision path: every photo is
 * analysed (detect → mesh → align → embed) once and cached under .tmp/, and any image, photo or
 * variant, is scored by the same path. Shared by the relight fidelity and augmentation evals.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { Affine } from '../app/main/vision/affine.ts';
import { DEFAULT_EMBEDDING_MODEL } from '../app/main/vision/embedding-models.ts';
import { analyseImage } from '../app/main/vision/face-analysis.ts';
import { decodeRgb, type RgbImage } from '../app/main/vision/rgb-image.ts';
import type { VisionRuntime } from '../app/main/vision/vision-runtime.ts';
import { planarFromInterleaved, rgbFromPlanar, type PlanarImage } from '../app/main/synthesis/packs/image-tensor.ts';
import { yaleSubset, type YaleSubset } from '../app/main/synthesis/relight/light-spec.ts';
import { meshToTemplate } from '../app/main/synthesis/relight/template-mesh.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface YalePhoto {
  readonly person: string;
  readonly path: string;
  readonly azimuth: number;
  readonly elevation: number;
  readonly subset: YaleSubset;
  readonly frontal: boolean;
}

export interface AnalysedPhoto extends YalePhoto {
  /** null where the vision pipeline found no face. */
  readonly embedding: Float32Array | null;
  readonly landmarks: Float32Array | null;
}

export function yaleRoot(): string {
  const root = resolve(process.env.LIKENESS_FACES_DIR ?? join(repoRoot, '../shared/faces'), 'yale');
  if (!existsSync(root)) throw new Error(`Extended Yale B not found at ${root}: these evals need ../shared/faces/yale`);
  return root;
}

const NAME = /_P00A([+-]\d{3})E([+-]\d{2})\.png$/;

export function listYale(root = yaleRoot()): YalePhoto[] {
  const photos: YalePhoto[] = [];
  for (const person of readdirSync(root).sort()) {
    for (const file of readdirSync(join(root, person)).sort()) {
      const m = NAME.exec(file);
      if (!m) continue;
      const azimuth = Number(m[1]);
      const elevation = Number(m[2]);
      photos.push({
        person,
        path: join(root, person, file),
        azimuth,
        elevation,
        subset: yaleSubset({ azimuth, elevation }),
        frontal: azimuth === 0 && elevation === 0,
      });
    }
  }
  return photos;
}

/** The product's analysis of every photo, cached in .tmp/ keyed by path (the photos never change). */
export async function analyseYale(photos: readonly YalePhoto[], vision: VisionRuntime): Promise<AnalysedPhoto[]> {
  const cacheDir = join(repoRoot, '.tmp');
  const cacheFile = join(cacheDir, `yale-analysis-${DEFAULT_EMBEDDING_MODEL}.json`);
  type Cached = { embedding: number[] | null; landmarks: number[] | null };
  const cache: Record<string, Cached> = existsSync(cacheFile)
    ? (JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, Cached>)
    : {};
  let dirty = false;
  const out: AnalysedPhoto[] = [];
  for (const photo of photos) {
    let entry = cache[photo.path];
    if (!entry) {
      const analysis = await analyseImage(await decodeRgb(photo.path), vision, { embeddingModels: [DEFAULT_EMBEDDING_MODEL], maxFaces: 1 });
      const face = analysis.primary === null ? null : analysis.faces[analysis.primary];
      entry = {
        embedding: face ? [...face.embeddings[DEFAULT_EMBEDDING_MODEL]!] : null,
        landmarks: face ? [...face.landmarks] : null,
      };
      cache[photo.path] = entry;
      dirty = true;
    }
    out.push({
      ...photo,
      embedding: entry.embedding ? Float32Array.from(entry.embedding) : null,
      landmarks: entry.landmarks ? Float32Array.from(entry.landmarks) : null,
    });
  }
  if (dirty) {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(cacheFile, JSON.stringify(cache));
  }
  return out;
}

export interface FaceCrop {
  readonly image: PlanarImage;
  /** 468 × (x, y, z) in crop pixels. */
  readonly landmarks: Float32Array;
  /** 1 where the crop pixel comes from inside the photo, 0 over the mirrored padding. */
  readonly validity: Float32Array;
}

/**
 * The photo's crop at `size` with its mesh mapped into it. Yale's photos are already tight face
 * chips: the crop is the chip itself, mirror-padded to a square and scaled, so a crop scored as a
 * photo is the photo (the control condition measures exactly that). `framing` gives the mesh:
 * Yale's camera and pose are fixed, so another photo of the same person lines up with its frontal
 * photo pixel for pixel, even where harsh light spoils its own mesh.
 */
export async function yaleCrop(photo: YalePhoto, size: number, framing: AnalysedPhoto): Promise<FaceCrop> {
  if (!framing.landmarks) throw new Error(`${framing.path}: no face was found`);
  return chipCrop(photo.path, size, framing.landmarks);
}

/** A face chip (a photo already cropped to the face) as a square crop at `size`, mirror-padded, with its mesh (source pixels) mapped into it. */
export async function chipCrop(path: string, size: number, mesh: Float32Array): Promise<FaceCrop> {
  const meta = await sharp(path).metadata();
  const side = Math.max(meta.width, meta.height);
  const left = Math.floor((side - meta.width) / 2);
  const top = Math.floor((side - meta.height) / 2);
  // Two pipelines: within one, sharp resizes before it extends.
  const square = await sharp(path)
    .removeAlpha()
    .toColourspace('srgb')
    .extend({ left, right: side - meta.width - left, top, bottom: side - meta.height - top, extendWith: 'mirror' })
    .png()
    .toBuffer();
  const data = await sharp(square).resize(size, size, { kernel: 'lanczos3' }).removeAlpha().toColourspace('srgb').raw().toBuffer();
  const scale = size / side;
  const toCrop: Affine = [scale, 0, left * scale, 0, scale, top * scale];
  const validity = new Float32Array(size * size);
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const sx = (x + 0.5) / scale - left;
      const sy = (y + 0.5) / scale - top;
      validity[y * size + x] = sx >= 0 && sy >= 0 && sx < meta.width && sy < meta.height ? 1 : 0;
    }
  }
  return { image: planarFromInterleaved(data, size, 255), landmarks: meshToTemplate(mesh, toCrop), validity };
}

/** An image scored as a photo is: detect → mesh → align → embed with the default model; null if no face is found. */
export async function embedAsPhoto(image: PlanarImage, vision: VisionRuntime): Promise<Float32Array | null> {
  return (await analyseAsPhoto(image, vision))?.embedding ?? null;
}

/** As `embedAsPhoto`, with the face mesh found on the image (468 × x, y, z). */
export async function analyseAsPhoto(
  image: PlanarImage,
  vision: VisionRuntime,
): Promise<{ embedding: Float32Array; mesh: Float32Array } | null> {
  const rgb: RgbImage = { width: image.size, height: image.size, data: rgbFromPlanar(image) };
  const analysis = await analyseImage(rgb, vision, { embeddingModels: [DEFAULT_EMBEDDING_MODEL], maxFaces: 1 });
  if (analysis.primary === null) return null;
  const face = analysis.faces[analysis.primary];
  return { embedding: face.embeddings[DEFAULT_EMBEDDING_MODEL]!, mesh: face.landmarks };
}

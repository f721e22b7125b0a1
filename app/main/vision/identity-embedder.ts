import { warpAffine, type FloatRgb } from './bilinear-warp.ts';
import { DEFAULT_EMBEDDING_MODEL, embeddingSpecs, modelFrameFromTemplate, type EmbeddingModelName } from './embedding-models.ts';
import type { AlignmentTemplate } from './face-templates.ts';
import type { RgbImage } from './rgb-image.ts';
import { defaultVisionRuntime, type VisionRuntime } from './vision-runtime.ts';

/**
 * An aligned face crop: square, `template`-aligned (ArcFace if not said), interleaved RGB. Bytes are
 * 0‥255; floats are 0‥1 (the form `loadAlignedCrop(..., { format: 'float32' })` returns).
 */
export interface AlignedPixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array | Float32Array;
  readonly template?: AlignmentTemplate;
}

export interface EmbedOptions {
  readonly model?: EmbeddingModelName;
  readonly runtime?: VisionRuntime;
}

/** Scales a vector to unit length in place; a zero vector stays zero. */
export function l2Normalise(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const v of vector) sum += v * v;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i] /= norm;
  return vector;
}

/** Cosine similarity — the identity score used everywhere (1 same face, ≈0 unrelated). */
export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`embeddings differ in length (${a.length} vs ${b.length})`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/**
 * Identity embedding of an aligned crop (any size, either template): L2-normalised, so the cosine
 * of two embeddings is their dot product. Synthesis scores its variants with this.
 */
export async function embedAligned(pixels: AlignedPixels, options: EmbedOptions = {}): Promise<Float32Array> {
  const [embedding] = await embedAlignedBatch([pixels], options);
  return embedding;
}

export async function embedAlignedBatch(batch: readonly AlignedPixels[], options: EmbedOptions = {}): Promise<Float32Array[]> {
  const model = options.model ?? DEFAULT_EMBEDDING_MODEL;
  const spec = embeddingSpecs[model];
  const frames = batch.map((pixels) => {
    if (pixels.width !== pixels.height) throw new RangeError(`aligned crops are square; got ${pixels.width}×${pixels.height}`);
    const frame = modelFrameFromTemplate(spec, pixels.template ?? 'arcface', pixels.width);
    return warpAffine(asRgbImage(pixels), frame, spec.inputSize, spec.inputSize, 'black');
  });
  return embedFrames(frames, model, options.runtime ?? defaultVisionRuntime());
}

/** Frames already in the model's input geometry (0‥255 RGB) → unit embeddings, one batched run. */
export async function embedFrames(frames: readonly FloatRgb[], model: EmbeddingModelName, runtime: VisionRuntime): Promise<Float32Array[]> {
  if (frames.length === 0) return [];
  const spec = embeddingSpecs[model];
  const outputs = await runtime.runFrames(spec.model, frames);
  const descriptor = outputs[spec.output];
  if (!descriptor) throw new Error(`${model}: the model has no output named ${spec.output}`);
  const size = descriptor.data.length / frames.length;
  return frames.map((_, i) => l2Normalise(Float32Array.from((descriptor.data as Float32Array).subarray(i * size, (i + 1) * size))));
}

function asRgbImage(pixels: AlignedPixels): RgbImage {
  if (pixels.data.length !== pixels.width * pixels.height * 3) {
    throw new RangeError(`expected ${pixels.width}×${pixels.height}×3 values, got ${pixels.data.length}`);
  }
  if (pixels.data instanceof Uint8Array) return { width: pixels.width, height: pixels.height, data: pixels.data };
  const data = new Uint8Array(pixels.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.min(255, Math.max(0, Math.round(pixels.data[i] * 255)));
  return { width: pixels.width, height: pixels.height, data };
}

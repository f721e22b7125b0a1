import { z } from 'zod';
import { SynthesisEditKind } from '#api/synthesis.ts';

/**
 * pack.json: what a generator pack declares about its ONNX files. The loader checks every claim
 * here against the files themselves, so a manifest can never make the runtime guess.
 */

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex digits');
const RelativeFile = z.string().min(1).max(512);

/** A dimension is a fixed size, or 'batch' where the model accepts any batch size (or a fixed one). */
const Dim = z.union([z.number().int().positive(), z.literal('batch')]);

export const TensorSpec = z.object({
  name: z.string().min(1),
  shape: z.array(Dim).min(1).max(6),
});
export type TensorSpec = z.infer<typeof TensorSpec>;

const ModelFile = z.object({
  file: RelativeFile,
  sha256: Sha256,
  input: TensorSpec,
  output: TensorSpec,
});
export type ModelFile = z.infer<typeof ModelFile>;

export const ValueRange = z.enum(['-1..1', '0..1', '0..255']);
export type ValueRange = z.infer<typeof ValueRange>;

/** The product's edit kinds: what a variant records as edit_kind, and what the UI groups edits by. */
export const EditKind = SynthesisEditKind;
export type EditKind = SynthesisEditKind;

/** Half-open [start, end) range of latent layers (axis 1 of a [batch, layers, width] latent). */
const LayerRange = z
  .tuple([z.number().int().min(0), z.number().int().positive()])
  .refine(([start, end]) => end > start, 'layer range must be [start, end) with end > start');

export const PartSpec = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/),
  layers: LayerRange,
  edit: EditKind,
  label: z.string().max(80).optional(),
});
export type PartSpec = z.infer<typeof PartSpec>;

export const DirectionSpec = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/),
  /** Raw little-endian float32 values, [width] (applied to every layer in range) or [layers in range, width]. */
  file: RelativeFile,
  sha256: Sha256,
  layers: LayerRange,
  edit: EditKind,
  /** Latent step that strength 1 stands for, so UI strengths mean the same across packs. */
  scale: z.number().positive().finite().default(1),
  label: z.string().max(80).optional(),
});
export type DirectionSpec = z.infer<typeof DirectionSpec>;

export const PackManifest = z.object({
  format: z.literal('likeness-generator-pack/1'),
  name: z.string().min(1).max(80),
  version: z.string().min(1).max(40),
  description: z.string().max(2000).default(''),
  license: z.string().max(200).default('unspecified'),
  /** Aligned-crop template the encoder expects and the synthesis output is framed in. */
  alignment: z.object({ template: z.literal('generator'), size: z.number().int().min(16).max(2048) }),
  /** Images are NCHW RGB float32 in this value range, both into the encoder and out of the synthesis. */
  range: ValueRange,
  /**
   * direct: the variant is the synthesis output. residual: the variant is
   * source + synthesis(edited) - synthesis(source), which keeps the photo's detail a
   * low-capacity generator cannot reproduce.
   */
  compose: z.enum(['direct', 'residual']).default('direct'),
  encoder: ModelFile,
  mapping: ModelFile.optional(),
  synthesis: ModelFile,
  parts: z.array(PartSpec).default([]),
  directions: z.array(DirectionSpec).default([]),
});
export type PackManifest = z.infer<typeof PackManifest>;
export type PackManifestInput = z.input<typeof PackManifest>;

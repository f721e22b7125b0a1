import { z } from 'zod';
import { command } from './define.ts';
import { JobRef } from './jobs.ts';

/**
 * Things drawn over the face in its own 3D frame (they turn with the head), shaded by the face's
 * estimated light: each is an edit kind of its own, so grid, filters and exports name it.
 */
export const Occluder = z.enum(['sunglasses', 'clear-glasses', 'face-mask', 'cap', 'hand']);
export type Occluder = z.infer<typeof Occluder>;

export const SynthesisEditKind = z.enum(['relight', 'pose', 'hair', 'background', 'expression', 'attribute', ...Occluder.options]);
export type SynthesisEditKind = z.infer<typeof SynthesisEditKind>;

const StrengthRange = z
  .tuple([z.number().min(-10).max(10), z.number().min(-10).max(10)])
  .refine(([min, max]) => max >= min, 'strength range must be [min, max] with max ≥ min');

export const DonorPolicy = z.enum(['same-identity', 'other-identities', 'random']);
export type DonorPolicy = z.infer<typeof DonorPolicy>;

/**
 * One target light for physically-based relighting. Angles follow Extended Yale B: azimuth > 0 is a
 * lamp on the subject's right (the image's left), elevation > 0 above the camera axis.
 */
export const LightSpec = z.object({
  azimuth: z.number().min(-180).max(180),
  elevation: z.number().min(-90).max(90),
  /** Ambient light over directional light (0: a lone lamp in the dark). */
  ambient: z.number().min(0).max(10),
  /** Colour temperature of the lamp in kelvin; 6500 keeps the photo's own light colour. */
  temperature: z.number().min(1500).max(15000),
});
export type LightSpec = z.infer<typeof LightSpec>;

/**
 * A head turn in degrees, in the face mesh's own measure: yaw > 0 turns the nose toward the image's
 * right, pitch > 0 tips the chin away, roll > 0 turns the face clockwise. Bounded where the mesh
 * still knows the face (beyond ±45° yaw the far side would be invented).
 */
export const HeadPoseSpec = z.object({
  yaw: z.number().min(-45).max(45),
  pitch: z.number().min(-20).max(20),
  roll: z.number().min(-15).max(15).default(0),
});
export type HeadPoseSpec = z.infer<typeof HeadPoseSpec>;

/** Expressions made by moving the face mesh (blendshape-like displacements), texture following the mesh. */
export const MeshExpression = z.enum(['smile', 'open-mouth', 'closed-eyes', 'raised-brows']);
export type MeshExpression = z.infer<typeof MeshExpression>;

/** One kind of edit a job applies; each variant gets one of the job's edits, in turn. */
export const EditSpec = z.discriminatedUnion('type', [
  /**
   * Physically-based relighting (no generator involved): each variant takes the next of `lights`
   * (the relight presets when absent); strength < 1 moves only part of the way to that light.
   */
  z.object({
    type: z.literal('relight'),
    lights: z.array(LightSpec).min(1).max(64).optional(),
    strength: StrengthRange.default([1, 1]),
  }),
  /**
   * The head turned by re-rendering its own 3D face mesh (no generator involved): each variant takes
   * the next of `poses` (the pose presets when absent); strength (0‥1) scales the turn, so a turn
   * never goes past the pose's own bounds.
   */
  z.object({
    type: z.literal('pose'),
    poses: z.array(HeadPoseSpec).min(1).max(64).optional(),
    strength: z
      .tuple([z.number().min(0).max(1), z.number().min(0).max(1)])
      .refine(([min, max]) => max >= min, 'strength range must be [min, max] with max ≥ min')
      .default([1, 1]),
  }),
  /**
   * An expression made by moving the face's own mesh (no generator involved): each variant takes the
   * next of `expressions`; strength (0‥1) is how far.
   */
  z.object({
    type: z.literal('expression'),
    expressions: z.array(MeshExpression).min(1).max(4),
    strength: z
      .tuple([z.number().min(0).max(1), z.number().min(0).max(1)])
      .refine(([min, max]) => max >= min, 'strength range must be [min, max] with max ≥ min')
      .default([1, 1]),
  }),
  z.object({ type: z.literal('direction'), name: z.string().min(1).max(128), strength: StrengthRange }),
  /**
   * Occlusion (no generator involved): each variant takes the next of `occluders` (all of them when
   * absent); strength is the accessory's opacity (1: solid, as a real one is).
   */
  z.object({
    type: z.literal('occlusion'),
    occluders: z.array(Occluder).min(1).max(Occluder.options.length).optional(),
    strength: StrengthRange.default([1, 1]),
  }),
  z.object({
    type: z.literal('mix'),
    parts: z.array(z.string().min(1).max(128)).min(1).max(8),
    donors: DonorPolicy,
    strength: StrengthRange,
  }),
]);
export type EditSpec = z.infer<typeof EditSpec>;

export const SourceSelection = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('identities'), identityIds: z.array(z.number().int()).min(1).max(100_000) }),
  z.object({ kind: z.literal('images'), imageIds: z.array(z.number().int()).min(1).max(100_000) }),
]);
export type SourceSelection = z.infer<typeof SourceSelection>;

export const PackChoice = z.discriminatedUnion('kind', [
  /** The project's embedded default generator; fitted on first use, or again when `refit` is set. */
  z.object({ kind: z.literal('default'), refit: z.boolean().default(false) }),
  z.object({ kind: z.literal('installed'), packId: z.number().int() }),
]);
export type PackChoice = z.infer<typeof PackChoice>;

export const SynthesizeRequest = z.object({
  sources: SourceSelection,
  pack: PackChoice.default({ kind: 'default', refit: false }),
  edits: z.array(EditSpec).min(1).max(32),
  variantsPerSource: z.number().int().min(1).max(64).default(8),
  seed: z.number().int().min(0).max(0xffffffff).default(0),
  /** Gradient-free latent refinement steps per source before editing (0 = encoder inversion only). */
  refineIterations: z.number().int().min(0).max(400).default(0),
});
export type SynthesizeRequest = z.infer<typeof SynthesizeRequest>;

export const PackEdit = z.object({ name: z.string(), label: z.string(), edit: SynthesisEditKind });
export type PackEdit = z.infer<typeof PackEdit>;

export const PackSummary = z.object({
  /** null for the default generator before it has been fitted on this project. */
  id: z.number().int().nullable(),
  kind: z.enum(['default', 'installed']),
  name: z.string(),
  version: z.string(),
  description: z.string(),
  hash: z.string().nullable(),
  path: z.string().nullable(),
  outputSize: z.number().int(),
  /** Latent parts that can be mixed from a donor face. */
  parts: z.array(PackEdit),
  /** Named latent directions with a strength. */
  directions: z.array(PackEdit),
});
export type PackSummary = z.infer<typeof PackSummary>;

export const RelightPreviewRequest = z.object({
  /** Preview this person's first analysed face; null: the project's first. */
  identityId: z.number().int().nullable(),
  light: LightSpec,
  size: z.number().int().min(64).max(1024).default(256),
});
export type RelightPreviewRequest = z.infer<typeof RelightPreviewRequest>;

export const RelightPreview = z.object({
  imageId: z.number().int(),
  /** PNG of the relit crop as a data URL. */
  image: z.string(),
  /** The light the photo itself was estimated to be taken under. */
  estimated: z.object({ azimuth: z.number(), elevation: z.number(), ambient: z.number() }),
});
export type RelightPreview = z.infer<typeof RelightPreview>;

export const PosePreviewRequest = z.object({
  /** Preview this person's first analysed face; null: the project's first. */
  identityId: z.number().int().nullable(),
  pose: HeadPoseSpec,
  size: z.number().int().min(64).max(1024).default(256),
});
export type PosePreviewRequest = z.infer<typeof PosePreviewRequest>;

export const PosePreview = z.object({
  imageId: z.number().int(),
  /** PNG of the turned crop as a data URL; pixels that are not photo are transparent. */
  image: z.string(),
  /** The face's own pose in the photo, from its mesh. */
  source: z.object({ yaw: z.number(), pitch: z.number() }),
  /** Why this face is not turned so (it already faces sideways, or the turn would show the side its photo hides); null when it is. */
  refused: z.string().nullable(),
});
export type PosePreview = z.infer<typeof PosePreview>;

/** What a synthesize job made and what it refused to make, by reason (never dropped silently). */
export const SynthesisJobSummary = z.object({
  jobId: z.number().int(),
  made: z.number().int(),
  skipped: z.array(z.object({ reason: z.string(), label: z.string(), count: z.number().int() })),
});
export type SynthesisJobSummary = z.infer<typeof SynthesisJobSummary>;

export const synthesisCommands = {
  /** One source face under one light, before a batch runs. */
  'synthesis.previewRelight': command(RelightPreviewRequest, RelightPreview),
  /** One source face turned to one pose, before a batch runs. */
  'synthesis.previewPose': command(PosePreviewRequest, PosePreview),
  'synthesis.packs': command(z.object({}), z.array(PackSummary)),
  /** Validates a pack folder (manifest, files, hashes, graph signatures, a probe run) and registers it. */
  'synthesis.addPack': command(z.object({ path: z.string().min(1).max(4096) }), PackSummary),
  /** Converts a StyleGAN2 checkpoint (rosinality .pt, NVIDIA .pkl; read as data, never run) into a pack beside the project, validates and registers it. */
  'synthesis.importCheckpoint': command(
    z.object({ checkpoint: z.string().min(1).max(4096), truncation: z.number().gt(0).max(1).optional() }),
    PackSummary,
  ),
  'synthesis.start': command(SynthesizeRequest, JobRef),
  'synthesis.jobSummary': command(JobRef, SynthesisJobSummary),
};

export const synthesisEvents = {
  /** New variants were committed (the curation grid refreshes on it). */
  'synthesis.variantsAdded': z.object({ jobId: z.number().int(), added: z.number().int(), total: z.number().int() }),
};

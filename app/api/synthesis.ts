import { z } from 'zod';
import { command } from './define.ts';
import { JobRef } from './jobs.ts';

export const SynthesisEditKind = z.enum(['relight', 'hair', 'background', 'expression', 'attribute']);
export type SynthesisEditKind = z.infer<typeof SynthesisEditKind>;

const StrengthRange = z
  .tuple([z.number().min(-10).max(10), z.number().min(-10).max(10)])
  .refine(([min, max]) => max >= min, 'strength range must be [min, max] with max ≥ min');

export const DonorPolicy = z.enum(['same-identity', 'other-identities', 'random']);
export type DonorPolicy = z.infer<typeof DonorPolicy>;

/** One kind of edit a job applies; each variant gets one of the job's edits, in turn. */
export const EditSpec = z.discriminatedUnion('type', [
  z.object({ type: z.literal('direction'), name: z.string().min(1), strength: StrengthRange }),
  z.object({
    type: z.literal('mix'),
    parts: z.array(z.string().min(1)).min(1).max(8),
    donors: DonorPolicy,
    strength: StrengthRange,
  }),
]);
export type EditSpec = z.infer<typeof EditSpec>;

export const SourceSelection = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('identities'), identityIds: z.array(z.number().int()).min(1).max(100_000) }),
  z.object({ kind: z.literal('images'), imageIds: z.array(z.number().int()).min(1).max(1_000_000) }),
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

/** What a synthesize job made and what it refused to make, by reason (never dropped silently). */
export const SynthesisJobSummary = z.object({
  jobId: z.number().int(),
  made: z.number().int(),
  skipped: z.array(z.object({ reason: z.string(), label: z.string(), count: z.number().int() })),
});
export type SynthesisJobSummary = z.infer<typeof SynthesisJobSummary>;

export const synthesisCommands = {
  'synthesis.packs': command(z.object({}), z.array(PackSummary)),
  /** Validates a pack folder (manifest, files, hashes, graph signatures, a probe run) and registers it. */
  'synthesis.addPack': command(z.object({ path: z.string().min(1).max(4096) }), PackSummary),
  'synthesis.start': command(SynthesizeRequest, JobRef),
  'synthesis.jobSummary': command(JobRef, SynthesisJobSummary),
};

export const synthesisEvents = {
  /** New variants were committed (the curation grid refreshes on it). */
  'synthesis.variantsAdded': z.object({ jobId: z.number().int(), added: z.number().int(), total: z.number().int() }),
};

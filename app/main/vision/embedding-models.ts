import { composeAffine, similarityAbout, type Affine } from './affine.ts';
import { templateToTemplate, TEMPLATE_REFERENCE_SIZE, type AlignmentTemplate } from './face-templates.ts';
import type { VisionModelName } from './model-files.ts';

export const embeddingModelNames = ['mobileface', 'faceres'] as const;
export type EmbeddingModelName = (typeof embeddingModelNames)[number];

/**
 * Which crop each embedding model sees (value range and channel order come from its manifest).
 * Both see the ArcFace crop itself (margin 1): on the shared faces a wider crop lowered
 * verification AUC for both, most on the Yale lighting set.
 */
export interface EmbeddingSpec {
  readonly model: VisionModelName & EmbeddingModelName;
  readonly inputSize: number;
  /** Zoom-out around the ArcFace crop's centre: 1 is the ArcFace crop itself, larger shows more head. */
  readonly margin: number;
  /** The manifest's name for the descriptor output. */
  readonly output: string;
}

export const embeddingSpecs: Record<EmbeddingModelName, EmbeddingSpec> = {
  mobileface: { model: 'mobileface', inputSize: 112, margin: 1, output: 'embedding' },
  faceres: { model: 'faceres', inputSize: 224, margin: 1, output: 'descriptor' },
};

/**
 * faceres scores identity: on the shared faces (bench/results/identity.json) its verification AUC is
 * 0.990 against mobileface's 0.904 (TAR at FAR 1e-3: 68% vs 22%), and it holds under Yale's lighting
 * (0.977 vs 0.779) where mobileface does not; on the colour and ORL sets both exceed 0.98. mobileface
 * (5× cheaper) stays as the second opinion.
 */
export const DEFAULT_EMBEDDING_MODEL: EmbeddingModelName = 'faceres';

/** Template crop (`template` at `size` px) → this model's input frame. */
export function modelFrameFromTemplate(spec: EmbeddingSpec, template: AlignmentTemplate, size: number): Affine {
  const toArcface = templateToTemplate(template, size, 'arcface', TEMPLATE_REFERENCE_SIZE.arcface);
  return composeAffine(arcfaceToModelFrame(spec), toArcface);
}

/** ArcFace crop at its reference size → this model's input frame (resize, then zoom out by the margin). */
export function arcfaceToModelFrame(spec: EmbeddingSpec): Affine {
  const reference = TEMPLATE_REFERENCE_SIZE.arcface;
  const centre = spec.inputSize / 2;
  return similarityAbout([reference / 2, reference / 2], 0, spec.inputSize / reference / spec.margin, [centre, centre]);
}

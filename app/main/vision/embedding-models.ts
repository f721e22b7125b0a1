import { composeAffine, similarityAbout, type Affine } from './affine.ts';
import { arcfaceToDlibChip, DLIB_CHIP_SIZE } from './dlib-chip.ts';
import { templateToTemplate, TEMPLATE_REFERENCE_SIZE, type AlignmentTemplate } from './face-templates.ts';
import type { VisionModelName } from './model-files.ts';

export const embeddingModelNames = ['mobileface', 'faceres', 'faceres-deep', 'dlib'] as const;
export type EmbeddingModelName = (typeof embeddingModelNames)[number];

/**
 * Which crop each embedding model sees (value range and channel order come from its manifest).
 * mobileface and faceres see the ArcFace crop itself (margin 1): on the shared faces a wider crop
 * lowered verification AUC for both, most on the Yale lighting set. dlib sees the chip it was
 * trained on (dlib-chip.ts), fitted to its own five mesh points.
 */
export interface EmbeddingSpec {
  readonly model: VisionModelName & EmbeddingModelName;
  readonly frame: 'arcface' | 'dlib-chip';
  readonly inputSize: number;
  /** Zoom-out around the ArcFace crop's centre: 1 is the ArcFace crop itself, larger shows more head. */
  readonly margin: number;
  /** The manifest's name for the descriptor output. */
  readonly output: string;
}

export const embeddingSpecs: Record<EmbeddingModelName, EmbeddingSpec> = {
  mobileface: { model: 'mobileface', frame: 'arcface', inputSize: 112, margin: 1, output: 'embedding' },
  faceres: { model: 'faceres', frame: 'arcface', inputSize: 224, margin: 1, output: 'descriptor' },
  'faceres-deep': { model: 'faceres-deep', frame: 'arcface', inputSize: 224, margin: 1, output: 'descriptor' },
  dlib: { model: 'dlib', frame: 'dlib-chip', inputSize: DLIB_CHIP_SIZE, margin: 1, output: 'descriptor' },
};

/**
 * dlib scores identity: on the LFW protocol's A–J half (bench/results/identity.json, lfwDev) it
 * reaches 98.39 ± 0.93 % 10-fold accuracy and TAR 95.9 % at FAR 1e-3, against faceres' 96.93 % /
 * 82.3 %, faceres-deep's 92.41 % / 58.1 % and mobileface's 92.10 % / 58.4 %; the z-score fusion of
 * dlib and faceres (98.06 %) does not beat dlib alone. On the shared faces, different people of one
 * collection: AUC 0.993 vs faceres 0.980. Its cosines are high for everyone (different people
 * average 0.84): read them through identity-calibration.ts, never against fixed cut-offs.
 */
export const DEFAULT_EMBEDDING_MODEL: EmbeddingModelName = 'dlib';

/** Template crop (`template` at `size` px) → this model's input frame. */
export function modelFrameFromTemplate(spec: EmbeddingSpec, template: AlignmentTemplate, size: number): Affine {
  const toArcface = templateToTemplate(template, size, 'arcface', TEMPLATE_REFERENCE_SIZE.arcface);
  return composeAffine(arcfaceToModelFrame(spec), toArcface);
}

/**
 * ArcFace crop at its reference size → this model's input frame (resize, then zoom out by the
 * margin; for dlib, the fixed ArcFace → chip map, used where a crop comes without landmarks).
 */
export function arcfaceToModelFrame(spec: EmbeddingSpec): Affine {
  if (spec.frame === 'dlib-chip') return arcfaceToDlibChip(spec.inputSize);
  const reference = TEMPLATE_REFERENCE_SIZE.arcface;
  const centre = spec.inputSize / 2;
  return similarityAbout([reference / 2, reference / 2], 0, spec.inputSize / reference / spec.margin, [centre, centre]);
}

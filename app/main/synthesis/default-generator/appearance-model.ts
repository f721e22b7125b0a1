import type { EditKind } from '../packs/pack-manifest.ts';

/**
 * The embedded default generator: a linear, part-based appearance model on the aligned template.
 * image ≈ mean + Σ_layers basis_layer · code_layer, where layer 0 is a global low-order
 * illumination basis and the others are PCA bases of single regions (soft-masked, so their
 * decodes fuse without seams). Latent = codes as [layers, width]; unused slots are zero.
 */
export interface AppearanceLayer {
  readonly name: string;
  readonly edit: EditKind;
  readonly label: string;
  /** Unit-norm (at fit size) basis images, planar RGB at outputSize; at most `width` of them. */
  readonly basis: readonly Float32Array[];
}

export interface AppearanceDirection {
  readonly name: string;
  readonly label: string;
  readonly layer: number;
  readonly edit: EditKind;
  /** Unit vector in the layer's code space, [width]. */
  readonly vector: Float32Array;
  /** Standard deviation of the fitted faces' codes along the vector: strength 1 is one such step. */
  readonly scale: number;
}

export interface AppearanceModel {
  readonly outputSize: number;
  readonly width: number;
  readonly mean: Float32Array;
  readonly layers: readonly AppearanceLayer[];
  /** Least-squares projection onto the model: row i of [layers·width, 3·size²] gives latent value i. */
  readonly encoder: Float32Array;
  readonly encoderBias: Float32Array;
  readonly directions: readonly AppearanceDirection[];
  readonly fittedFaces: number;
  readonly fittedIdentities: number;
}

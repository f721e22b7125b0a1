import type { PlanarImage } from './image-tensor.ts';

/** A face synthesis can use as a source, a donor or a fitting sample: the primary face of a usable image. */
export interface SourceFace {
  readonly faceId: number;
  readonly imageId: number;
  readonly identityId: number | null;
}

/**
 * Where synthesis gets faces from. In a project this is the vision pipeline's aligned crops,
 * mesh landmarks and person masks; for already-aligned face chips it is the chips themselves.
 */
export interface FaceSource {
  faces(): readonly SourceFace[];
  /** The face warped to the generator template, size × size. */
  alignedCrop(faceId: number, size: number): Promise<PlanarImage>;
  /** The 468 mesh points in template pixels at `size` (x, y interleaved), or null when the face has no mesh. */
  templateLandmarks(faceId: number, size: number): Promise<Float32Array | null>;
  /** The 468 mesh points in template pixels at `size` with depth (x, y, z interleaved, z on the same scale), or null. */
  templateMesh(faceId: number, size: number): Promise<Float32Array | null>;
  /** Person probability per template pixel at `size`, or null where no person mask was computed. */
  personMask(faceId: number, size: number): Promise<Float32Array | null>;
}

/** Identity scores for generator-template images: L2-normalised embeddings, so a dot product is the cosine. */
export interface IdentityScorer {
  /** Embedding model name, as the project's embeddings table records it. */
  readonly model: string;
  embed(images: readonly PlanarImage[]): Promise<Float32Array[]>;
  /** The identity's centroid embedding, or null when none has been computed. */
  centroid(identityId: number): Float32Array | null;
}

import type { Affine } from '../../vision/affine.ts';
import type { RgbImage } from '../../vision/rgb-image.ts';
import type { PlanarImage } from '../packs/image-tensor.ts';

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
  /** The crop's validity mask at `size`: 1 where a pixel is real photo, 0 where it is padding. */
  validityMask(faceId: number, size: number): Promise<Float32Array>;
  /** Crop pixels at `size` → the ArcFace template at 112 px: how identity scoring frames this face's crops and variants. */
  scoringFrame(faceId: number, size: number): Promise<Affine>;
  /**
   * The photo around the face in the ArcFace template at `SCORING_CONTEXT_SIZE` px, black outside the
   * photo (as analysis samples it): what the embedder sees where its frame reaches past the crop.
   */
  scoringContext(faceId: number): Promise<RgbImage>;
  /** The side the faces' aligned crops are stored at: variants of residual packs come out at this resolution. */
  readonly cropSize: number;
}

/** ArcFace template side (2 × its 112 px reference) of `FaceSource.scoringContext`: faceres's input resolution. */
export const SCORING_CONTEXT_SIZE = 224;

/** Where a crop (a source or one of its variants) sits relative to the ArcFace template, and which of its pixels are real. */
export interface CropFrame {
  /** Crop pixels → ArcFace template pixels at 112. */
  readonly toArcface: Affine;
  /** 1 real photo, 0 padding, per crop pixel (row-major). */
  readonly valid: Float32Array;
  /** `FaceSource.scoringContext` of the face. */
  readonly context: RgbImage;
  /**
   * Crop pixels → dlib's 150 px chip through the face's own mesh points, as analysis chips the photo;
   * null where the face has no mesh (the chip is then placed by the eyes alone).
   */
  readonly toDlibChip: Affine | null;
}

/**
 * Identity scores for aligned crops: L2-normalised embeddings, so a dot product is the cosine. Each
 * crop is framed for the embedder by its `CropFrame`, padding blacked out exactly as analysis sees a
 * photo, so a variant's score is on the same scale as a photo's.
 */
export interface IdentityScorer {
  /** Embedding model name, as the project's embeddings table records it. */
  readonly model: string;
  embed(images: readonly PlanarImage[], frames: readonly CropFrame[]): Promise<Float32Array[]>;
  /** The identity's centroid embedding, or null when none has been computed. */
  centroid(identityId: number): Float32Array | null;
  /** Every identity's centroid: what "closest other identity" is searched in. */
  centroids(): ReadonlyMap<number, Float32Array>;
}

import { z } from 'zod';
import { command } from './define.ts';
import { JobRef } from './jobs.ts';

export const AnalysisStatus = z.enum(['ok', 'no_face', 'multiple_faces', 'error']);
export type AnalysisStatus = z.infer<typeof AnalysisStatus>;

export const EmbeddingModel = z.enum(['mobileface', 'faceres', 'faceres-deep', 'dlib']);
export type EmbeddingModel = z.infer<typeof EmbeddingModel>;

/** A calibrated cut on an identity model's cosine: above `threshold`, at most `far` of different-person pairs score. */
export const CalibratedThreshold = z.object({
  far: z.number(),
  threshold: z.number(),
  /** Share of same-person pairs above the threshold on the calibration data. */
  tar: z.number(),
  /** What a score above it means, e.g. "same person at FAR 1e-3". */
  label: z.string(),
});
export type CalibratedThreshold = z.infer<typeof CalibratedThreshold>;

export const IdentityCalibration = z.object({
  model: EmbeddingModel,
  /** Strictest last: FAR 1e-2, 1e-3, 1e-4. */
  thresholds: z.array(CalibratedThreshold),
  /** Where the thresholds were measured (data, pairs, command, commit). */
  source: z.string(),
});
export type IdentityCalibration = z.infer<typeof IdentityCalibration>;

export const QualityFlag = z.enum(['profile', 'pitched', 'blurry', 'small', 'doubtful']);
export type QualityFlag = z.infer<typeof QualityFlag>;

/** Source-image pixels after EXIF orientation; (0, 0) is the top-left corner of the top-left pixel. */
export const Box = z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() });
export type Box = z.infer<typeof Box>;

export const Point2 = z.tuple([z.number(), z.number()]);

export const AnalyzeRequest = z.object({
  /** Images to analyse again even though they have results; all not yet analysed images run too. */
  imageIds: z.array(z.number().int()).max(100_000).default([]),
});

export const FaceDetail = z.object({
  id: z.number().int(),
  faceIndex: z.number().int(),
  box: Box,
  score: z.number(),
  quality: z.number().nullable(),
  isPrimary: z.boolean(),
  /** 468 FaceMesh points (x, y); empty when the face has no mesh. */
  landmarks: z.array(Point2),
  /** Eye, eye, nose tip, mouth corner, mouth corner, as seen in the image. */
  fivePoints: z.array(Point2),
  /** Generator-template crop and its person mask in the media store (null until written). */
  alignedKey: z.string().nullable(),
  maskKey: z.string().nullable(),
  /** Cosine similarity to the image's identity centroid (default model), when there is one. */
  centroidSimilarity: z.number().nullable(),
  outlier: z.boolean(),
  /** Head rotation from the mesh in degrees (0 = facing the camera); null without a mesh. */
  pose: z.object({ yaw: z.number(), pitch: z.number() }).nullable(),
  /** Why the face's identity score should not be trusted as it stands; empty for a usable face. */
  qualityFlags: z.array(QualityFlag),
});
export type FaceDetail = z.infer<typeof FaceDetail>;

export const IdentityMatch = z.object({ identityId: z.number().int(), name: z.string(), similarity: z.number() });
export type IdentityMatch = z.infer<typeof IdentityMatch>;

export const ImageDetail = z.object({
  imageId: z.number().int(),
  identityId: z.number().int().nullable(),
  identityName: z.string().nullable(),
  path: z.string(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  /** Media key of the original photo (`originals/<id>`). */
  originalKey: z.string(),
  analysis: z
    .object({
      status: AnalysisStatus,
      faceCount: z.number().int(),
      error: z.string().nullable(),
      models: z.array(z.string()),
      analyzedAt: z.string(),
    })
    .nullable(),
  faces: z.array(FaceDetail),
  /** The primary face's nearest identity centroids, best first. */
  nearestIdentities: z.array(IdentityMatch),
  model: EmbeddingModel,
});
export type ImageDetail = z.infer<typeof ImageDetail>;

export const IdentityFace = z.object({
  faceId: z.number().int(),
  imageId: z.number().int(),
  path: z.string(),
  alignedKey: z.string().nullable(),
  thumbKey: z.string().nullable(),
  quality: z.number().nullable(),
  similarity: z.number(),
  /** 1 − similarity: what the list is sorted by. */
  distance: z.number(),
  outlier: z.boolean(),
});
export type IdentityFace = z.infer<typeof IdentityFace>;

export const IdentityFaces = z.object({
  identityId: z.number().int(),
  name: z.string(),
  model: EmbeddingModel,
  /** Faces whose primary embedding went into the centroid. */
  centroidFaces: z.number().int(),
  outliers: z.number().int(),
  faces: z.array(IdentityFace),
});
export type IdentityFaces = z.infer<typeof IdentityFaces>;

/** What the dataset grid shows on a tile: detection status and quality of the image's primary face. */
export const ImageBadge = z.object({
  imageId: z.number().int(),
  status: AnalysisStatus.nullable(),
  faceCount: z.number().int(),
  quality: z.number().nullable(),
  outlier: z.boolean(),
});
export type ImageBadge = z.infer<typeof ImageBadge>;

export const VisionSummary = z.object({
  images: z.number().int(),
  analyzed: z.number().int(),
  pending: z.number().int(),
  byStatus: z.object({ ok: z.number().int(), no_face: z.number().int(), multiple_faces: z.number().int(), error: z.number().int() }),
  outliers: z.number().int(),
  model: EmbeddingModel,
});
export type VisionSummary = z.infer<typeof VisionSummary>;

export const visionCommands = {
  'vision.analyze': command(AnalyzeRequest, JobRef),
  'vision.summary': command(z.object({}), VisionSummary),
  'vision.imageDetail': command(z.object({ imageId: z.number().int() }), ImageDetail),
  'vision.imageBadges': command(z.object({ imageIds: z.array(z.number().int()).max(5000) }), z.array(ImageBadge)),
  'vision.identityFaces': command(
    z.object({ identityId: z.number().int(), order: z.enum(['farthest', 'nearest']).default('farthest') }),
    IdentityFaces,
  ),
  'vision.setPrimaryFace': command(z.object({ imageId: z.number().int(), faceId: z.number().int() }), ImageDetail),
  /** Calibrated thresholds of an identity model (the default scorer when none is named). */
  'vision.identityCalibration': command(z.object({ model: EmbeddingModel.optional() }), IdentityCalibration),
};

export const visionEvents = {
  /** After each committed batch of analyses and after centroids change. */
  'vision.changed': z.object({ analyzed: z.number().int(), pending: z.number().int() }),
};

import { z } from 'zod';
import { EmbeddingModel } from '#api/vision.ts';
import { mapInOrder } from '../dataset/ordered-pool.ts';
import type { EventBus } from '../core/event-bus.ts';
import type { JobContext, JobHandler } from '../jobs/job-handler.ts';
import type { ProjectDatabase } from '../project/project-database.ts';
import type { ProjectSession } from '../project/project-session.ts';
import { analysisCounts, pendingImageIds, saveAnalysis, saveAnalysisError } from './analysis-store.ts';
import { analyseImage, type ImageAnalysis } from './face-analysis.ts';
import { generatorFraming, transformForSize } from './face-templates.ts';
import { DEFAULT_EMBEDDING_MODEL } from './embedding-models.ts';
import { identityThreshold } from './identity-calibration.ts';
import { recomputeCentroids } from './identity-centroids.ts';
import { preferIdentityFaces } from './primary-face.ts';
import { personMaskKey } from '../media/media-keys.ts';
import { encodeMask, personMask } from './person-mask.ts';
import { decodeRgb, type RgbImage } from './rgb-image.ts';
import { sourceImagePath } from '../project/original-files.ts';
import { GENERATOR_CROP_SIZE } from './face-media.ts';
import { defaultVisionRuntime, type VisionRuntime } from './vision-runtime.ts';

export const AnalyzeParams = z.object({
  /** Side of the stored generator-template crop, its validity mask and person mask. */
  generatorSize: z.number().int().min(64).max(1024).default(GENERATOR_CROP_SIZE),
  /** The default scorer alone: faceres (6× dlib's inference time) and mobileface only on request. */
  embeddingModels: z.array(EmbeddingModel).min(1).default(['dlib']),
  /** Images committed per transaction; a crash redoes at most one batch. */
  batchSize: z.number().int().min(1).max(256).default(16),
  /**
   * A cluster worker's slice (`likeness analyze --shard i/N`): only these images, and no centroids or
   * primary-face re-pick, which need every identity's photos and are done by `likeness merge`.
   */
  shard: z.object({ imageIds: z.array(z.number().int()) }).optional(),
});
export type AnalyzeParams = z.infer<typeof AnalyzeParams>;

const DETECTION_MODELS = ['blazeface', 'facemesh', 'selfie'];
export const PIPELINE_DEPTH = 2;

type Outcome = { imageId: number; analysis: ImageAnalysis } | { imageId: number; error: string };

/**
 * Analyses every imported image that has no result yet, a batch per transaction. Resumable by
 * construction: the pending set is "images without an analyses row", so a rerun after a crash or a
 * cancel picks up exactly what is missing. Centroids and outlier flags are recomputed at the end,
 * also after a cancel, so what was analysed is usable.
 */
export function analyzeJobHandler(
  session: ProjectSession,
  events: EventBus,
  runtime: () => VisionRuntime = defaultVisionRuntime,
): JobHandler<AnalyzeParams> {
  return {
    kind: 'analyze',
    params: AnalyzeParams,
    async run(context) {
      const analysed: number[] = [];
      try {
        await analysePending(session, events, runtime(), context, analysed);
      } finally {
        if (!context.params.shard) finishAnalysis(session.db, analysed);
        events.emit('vision.changed', changedCounts(session));
      }
    },
  };
}

/**
 * What follows a batch of new results: single-face photos first give each identity a centroid;
 * multi-face photos then pick the face that matches it. The merge of sharded runs ends the same way.
 */
export function finishAnalysis(db: ProjectDatabase, analysed: readonly number[]): void {
  recomputeCentroids(db);
  const repicked = preferIdentityFaces(db, analysed, DEFAULT_EMBEDDING_MODEL, identityThreshold(DEFAULT_EMBEDDING_MODEL, 1e-2));
  if (repicked.length > 0) recomputeCentroids(db);
}

async function analysePending(
  session: ProjectSession,
  events: EventBus,
  runtime: VisionRuntime,
  context: JobContext<AnalyzeParams>,
  analysed: number[],
): Promise<void> {
  const { params, signal } = context;
  const models = [...DETECTION_MODELS, ...params.embeddingModels].sort();
  const report = () => {
    const counts = analysisCounts(session.db, params.shard?.imageIds);
    context.progress(counts.analyzed, counts.images, `${counts.pending} images left`);
  };
  report();
  while (!signal.aborted) {
    const batch = pendingImageIds(session.db, params.batchSize, params.shard?.imageIds);
    if (batch.length === 0) break;
    const outcomes: Outcome[] = [];
    // Two images in flight: one decodes and warps on this thread while the other's models run.
    for await (const outcome of mapInOrder(batch, PIPELINE_DEPTH, (imageId) => analyseOne(session, runtime, imageId, params))) {
      outcomes.push(outcome);
      if (signal.aborted) break;
    }
    session.db.transaction(() => {
      for (const outcome of outcomes) {
        if ('error' in outcome) saveAnalysisError(session.db, outcome.imageId, outcome.error, models);
        else saveAnalysis(session.db, outcome.imageId, outcome.analysis, models);
      }
    })();
    analysed.push(...outcomes.map((o) => o.imageId));
    report();
    events.emit('vision.changed', changedCounts(session));
  }
}

async function analyseOne(session: ProjectSession, runtime: VisionRuntime, imageId: number, params: AnalyzeParams): Promise<Outcome> {
  let image: RgbImage;
  try {
    image = await decodeRgb(sourceImagePath(session.db, imageId));
  } catch (error) {
    // An unreadable file is the image's problem, recorded against it; a model failure fails the job.
    return { imageId, error: `unreadable image: ${(error as Error).message}` };
  }
  const analysed = await analyseImage(image, runtime, { embeddingModels: params.embeddingModels });
  const analysis = {
    ...analysed,
    faces: analysed.faces.map((face) => ({ ...face, generatorTransform: generatorFraming(face.generatorTransform, image) })),
  };
  // The aligned crop and its validity mask are not stored: the media store recomputes them from the
  // photo and the stored transform (face-media.ts). The person mask needs a model run, so it is kept.
  for (const [index, face] of analysis.faces.entries()) {
    const size = params.generatorSize;
    const mask = await personMask(image, transformForSize(face.generatorTransform, 'generator', size), size, runtime);
    await session.media.write(personMaskKey(imageId, index), await encodeMask(mask));
  }
  return { imageId, analysis };
}

function changedCounts(session: ProjectSession): { analyzed: number; pending: number } {
  const { analyzed, pending } = analysisCounts(session.db);
  return { analyzed, pending };
}

import type { ProjectDatabase } from '../../project/project-database.ts';
import { composeAffine, invertAffine, scaleAffine, type Affine } from '../../vision/affine.ts';
import { toRgbBytes, warpAffine, type FloatRgb } from '../../vision/bilinear-warp.ts';
import { dlibChipTransform } from '../../vision/dlib-chip.ts';
import type { RgbImage } from '../../vision/rgb-image.ts';
import { arcfaceToModelFrame, DEFAULT_EMBEDDING_MODEL, embeddingSpecs, type EmbeddingModelName } from '../../vision/embedding-models.ts';
import { TEMPLATE_REFERENCE_SIZE } from '../../vision/face-templates.ts';
import { embedFrames } from '../../vision/identity-embedder.ts';
import type { VisionRuntime } from '../../vision/vision-runtime.ts';
import { yieldToEventLoop } from '../../core/event-loop.ts';
import { SCORING_CONTEXT_SIZE, type CropFrame, type FaceSource, type IdentityScorer } from './face-source.ts';
import { rgbFromPlanar, type PlanarImage } from '../packs/image-tensor.ts';

/** Scores aligned crops with the vision embedder, framed and masked as analysis frames photos. */
export function visionIdentityScorer(
  vision: VisionRuntime,
  centroids: () => ReadonlyMap<number, Float32Array>,
  model: EmbeddingModelName = DEFAULT_EMBEDDING_MODEL,
): IdentityScorer {
  return {
    model,
    embed: async (images, frames) => {
      // Each frame is a few ms of main-thread warping; a job's batch is dozens: the event loop gets a
      // turn between them, so the served host keeps answering while a batch is scored.
      const inputs: FloatRgb[] = [];
      for (const [i, image] of images.entries()) {
        inputs.push(embedderFrame(image, frames[i], model));
        await yieldToEventLoop();
      }
      return embedFrames(inputs, model, vision);
    },
    centroid: (identityId) => centroids().get(identityId) ?? null,
    centroids,
  };
}

/**
 * The embedder's input for one crop, built as analysis builds it from the photo: the crop's real
 * pixels warped to the model's frame, black where the crop is padding (analysis sees black outside
 * the photo), and the photo itself where the model's frame reaches past the crop (a tight framing
 * crops closer than the ArcFace frame). A source crop so embeds as its photo does (tested: cosine
 * ≥ 0.99 on every johns photo), and a variant is scored as the photo with its face region edited.
 */
export function embedderFrame(image: PlanarImage, frame: CropFrame, model: EmbeddingModelName): FloatRgb {
  const n = embeddingSpecs[model].inputSize;
  const { toModel, coverInFrame, context } = frameLayers(frame, model);
  const pixels = { width: image.size, height: image.size, data: rgbFromPlanar(image) };
  const warped = warpAffine(pixels, toModel, n, n, 'black');
  for (let p = 0; p < n * n; p++) {
    const o = p * 3;
    if (coverInFrame.data[o] < 254.5) warped.data.set(context.data.subarray(o, o + 3), o);
    else if (coverInFrame.data[o + 1] < 127.5) warped.data.fill(0, o, o + 3);
  }
  return warped;
}

interface FrameLayers {
  readonly toModel: Affine;
  /** Channel 0: the crop covers this model pixel; channel 1: and it is real photo there. */
  readonly coverInFrame: FloatRgb;
  /** The photo around the crop, in the model's frame. */
  readonly context: FloatRgb;
}

/** What the embedder's input takes from a frame alone, made once per frame: a source's variants share it. */
const layersOfFrame = new WeakMap<CropFrame, Map<EmbeddingModelName, FrameLayers>>();

function frameLayers(frame: CropFrame, model: EmbeddingModelName): FrameLayers {
  let byModel = layersOfFrame.get(frame);
  if (!byModel) {
    byModel = new Map();
    layersOfFrame.set(frame, byModel);
  }
  const cached = byModel.get(model);
  if (cached) return cached;
  const spec = embeddingSpecs[model];
  const n = spec.inputSize;
  // dlib's chip follows the face's own five mesh points where the source has them (placing it by the
  // eyes alone costs about 0.01 of cosine against the photo's own chip).
  const meshChip = spec.frame === 'dlib-chip' ? frame.toDlibChip : null;
  const toModel = meshChip ?? composeAffine(arcfaceToModelFrame(spec), frame.toArcface);
  const size = Math.round(Math.sqrt(frame.valid.length));
  const cover = new Uint8Array(frame.valid.length * 3);
  for (let i = 0; i < frame.valid.length; i++) {
    cover[i * 3] = 255;
    cover[i * 3 + 1] = frame.valid[i] >= 0.5 ? 255 : 0;
  }
  const coverInFrame = warpAffine({ width: size, height: size, data: cover }, toModel, n, n, 'black');
  const contextToArcface = scaleAffine(TEMPLATE_REFERENCE_SIZE.arcface / SCORING_CONTEXT_SIZE);
  const contextToModel = meshChip
    ? composeAffine(meshChip, composeAffine(invertAffine(frame.toArcface), contextToArcface))
    : composeAffine(arcfaceToModelFrame(spec), contextToArcface);
  const layers = { toModel, coverInFrame, context: warpAffine(frame.context, contextToModel, n, n, 'black') };
  byModel.set(model, layers);
  return layers;
}

/** Identity centroids the project's analysis computed, for one embedding model, read once per job. */
export function projectCentroids(
  db: ProjectDatabase,
  model: EmbeddingModelName = DEFAULT_EMBEDDING_MODEL,
): () => ReadonlyMap<number, Float32Array> {
  let table: Map<number, Float32Array> | null = null;
  return () => {
    if (!table) {
      const rows = db.prepare('SELECT identity_id, vector FROM identity_centroids WHERE model = ?').all(model) as {
        identity_id: number;
        vector: Buffer;
      }[];
      table = new Map(
        rows.map((row) => [
          row.identity_id,
          new Float32Array(row.vector.buffer.slice(row.vector.byteOffset, row.vector.byteOffset + row.vector.byteLength)),
        ]),
      );
    }
    return table;
  };
}

/** `FaceSource.scoringContext` from a decoded photo and its source → ArcFace (112) transform. */
export function scoringContextOf(image: RgbImage, arcfaceTransform: Affine): RgbImage {
  const toContext = composeAffine(scaleAffine(SCORING_CONTEXT_SIZE / TEMPLATE_REFERENCE_SIZE.arcface), arcfaceTransform);
  return toRgbBytes(warpAffine(image, toContext, SCORING_CONTEXT_SIZE, SCORING_CONTEXT_SIZE, 'black'));
}

/** A face's `CropFrame` at `size`, all three parts from its source. */
export async function cropFrame(faces: FaceSource, faceId: number, size: number): Promise<CropFrame> {
  const [toArcface, valid, context, mesh] = await Promise.all([
    faces.scoringFrame(faceId, size),
    faces.validityMask(faceId, size),
    faces.scoringContext(faceId),
    faces.templateMesh(faceId, size),
  ]);
  return { toArcface, valid, context, toDlibChip: mesh ? dlibChipTransform(mesh) : null };
}

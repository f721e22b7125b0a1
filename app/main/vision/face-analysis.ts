import { composeAffine, type Affine } from './affine.ts';
import { warpAffine } from './bilinear-warp.ts';
import { dlibChipTransform } from './dlib-chip.ts';
import { arcfaceToModelFrame, embeddingSpecs, type EmbeddingModelName } from './embedding-models.ts';
import { boundingBox, type FaceBox } from './face-box.ts';
import { detectFaces, type Detection } from './face-detector.ts';
import { meshFaces, type FaceMesh } from './face-mesh.ts';
import { faceQuality, qualityReport, type QualityParts, type QualityReport } from './face-quality.ts';
import { alignmentTransform, type FivePoints } from './face-templates.ts';
import { fivePointsFromMesh } from './five-points.ts';
import { embedFrames } from './identity-embedder.ts';
import { choosePrimaryFace } from './primary-face-choice.ts';
import { equaliseContrast, type RgbImage } from './rgb-image.ts';
import type { VisionRuntime } from './vision-runtime.ts';

export interface AnalysedFace {
  /** Box around the mesh (tighter and steadier than the detector's). */
  readonly box: FaceBox;
  readonly detectorScore: number;
  readonly meshScore: number;
  readonly landmarks: Float32Array;
  readonly fivePoints: FivePoints;
  /** Source → ArcFace template at 112 px. */
  readonly arcfaceTransform: Affine;
  /** Source → generator template at 512 px (`TEMPLATE_REFERENCE_SIZE`). */
  readonly generatorTransform: Affine;
  readonly quality: number;
  readonly qualityParts: QualityParts;
  /** Head pose from the mesh and what makes the face unreliable (profile, blur, tiny…). */
  readonly qualityReport: QualityReport;
  readonly embeddings: Partial<Record<EmbeddingModelName, Float32Array>>;
}

export type AnalysisStatus = 'ok' | 'no_face' | 'multiple_faces';

export interface ImageAnalysis {
  readonly status: AnalysisStatus;
  readonly faces: readonly AnalysedFace[];
  /** Index into `faces` of the face that stands for the image, or null with no face. */
  readonly primary: number | null;
}

export interface AnalyseOptions {
  readonly embeddingModels: readonly EmbeddingModelName[];
  readonly maxFaces?: number;
}

/** Below this FaceMesh confidence a detection is a false positive (a pattern, not a face). */
const MIN_MESH_SCORE = 0.5;

/**
 * Detect → mesh → five points → align → quality → embed, for every face in one upright image.
 * When nothing is found, the image is tried once more with its contrast equalised, and if that
 * finds faces, the whole analysis (landmarks, crops, embeddings) uses the equalised pixels.
 */
export async function analyseImage(original: RgbImage, runtime: VisionRuntime, options: AnalyseOptions): Promise<ImageAnalysis> {
  let image = original;
  let kept = await findFaces(image, runtime, options);
  if (kept.length === 0) {
    const equalised = await equaliseContrast(original);
    kept = await findFaces(equalised, runtime, options);
    if (kept.length > 0) image = equalised;
  }
  const faces = kept.map(({ detection, mesh }) => geometry(image, detection, mesh.landmarks, mesh.faceScore));
  const embeddings = await Promise.all(
    options.embeddingModels.map(async (model) => {
      const spec = embeddingSpecs[model];
      const frames = faces.map((face) => {
        const toFrame =
          spec.frame === 'dlib-chip'
            ? dlibChipTransform(face.landmarks, spec.inputSize)
            : composeAffine(arcfaceToModelFrame(spec), face.arcfaceTransform);
        return warpAffine(image, toFrame, spec.inputSize, spec.inputSize, 'black');
      });
      return [model, await embedFrames(frames, model, runtime)] as const;
    }),
  );
  const analysed: AnalysedFace[] = faces.map((face, i) => ({
    ...face,
    embeddings: Object.fromEntries(embeddings.map(([model, vectors]) => [model, vectors[i]])),
  }));
  const status: AnalysisStatus = analysed.length === 0 ? 'no_face' : analysed.length === 1 ? 'ok' : 'multiple_faces';
  return { status, faces: analysed, primary: choosePrimaryFace(analysed, image) };
}

async function findFaces(
  image: RgbImage,
  runtime: VisionRuntime,
  options: AnalyseOptions,
): Promise<{ detection: Detection; mesh: FaceMesh }[]> {
  const detections = await detectFaces(image, runtime, { maxFaces: options.maxFaces ?? 10 });
  const meshes = await meshFaces(image, detections, runtime);
  return detections.map((detection, i) => ({ detection, mesh: meshes[i] })).filter(({ mesh }) => mesh.faceScore >= MIN_MESH_SCORE);
}

function geometry(image: RgbImage, detection: Detection, landmarks: Float32Array, meshScore: number): Omit<AnalysedFace, 'embeddings'> {
  const fivePoints = fivePointsFromMesh(landmarks);
  const arcfaceTransform = alignmentTransform(fivePoints, 'arcface');
  const crop = warpAffine(image, arcfaceTransform, 112, 112);
  const { score, parts } = faceQuality(detection.score, fivePoints, crop);
  const points: number[][] = [];
  for (let p = 0; p < landmarks.length; p += 3) points.push([landmarks[p], landmarks[p + 1]]);
  return {
    box: boundingBox(points),
    detectorScore: detection.score,
    meshScore,
    landmarks,
    fivePoints,
    arcfaceTransform,
    generatorTransform: alignmentTransform(fivePoints, 'generator'),
    quality: score,
    qualityParts: parts,
    qualityReport: qualityReport(landmarks, fivePoints, parts),
  };
}

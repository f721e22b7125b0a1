import { applyAffine, composeAffine, invertAffine, type Affine } from '../../vision/affine.ts';
import { alignCrop, validityMask } from '../../vision/aligned-crop.ts';
import { analyseImage, type AnalysedFace } from '../../vision/face-analysis.ts';
import { generatorFraming, transformForSize } from '../../vision/face-templates.ts';
import { personMask } from '../../vision/person-mask.ts';
import { decodeRgb, type RgbImage } from '../../vision/rgb-image.ts';
import type { VisionRuntime } from '../../vision/vision-runtime.ts';
import type { FaceSource, SourceFace } from '../sources/face-source.ts';
import { meshToTemplate } from '../relight/template-mesh.ts';
import { planarFromInterleaved, type PlanarImage } from '../packs/image-tensor.ts';
import { scoringContextOf } from '../sources/project-identity-scorer.ts';

interface Analysed extends SourceFace {
  readonly image: RgbImage;
  readonly face: AnalysedFace;
}

export interface PhotoEntry {
  readonly path: string;
  readonly identityId: number | null;
}

/**
 * Photos run through the real vision pipeline in memory (detect, mesh, align, person mask) without
 * a project: what the bench uses to exercise the product's alignment and regions on ../shared/faces.
 */
export class AnalysedPhotoSource implements FaceSource {
  readonly #faces = new Map<number, Analysed>();
  readonly #vision: VisionRuntime;
  /** Photos where no face was found, which the source leaves out. */
  readonly missed: string[] = [];
  readonly cropSize = 256;

  private constructor(vision: VisionRuntime) {
    this.#vision = vision;
  }

  static async analyse(photos: readonly PhotoEntry[], vision: VisionRuntime): Promise<AnalysedPhotoSource> {
    const source = new AnalysedPhotoSource(vision);
    for (const [i, photo] of photos.entries()) {
      const image = await decodeRgb(photo.path);
      const analysis = await analyseImage(image, vision, { embeddingModels: [], maxFaces: 1 });
      if (analysis.primary === null) {
        source.missed.push(photo.path);
        continue;
      }
      const id = i + 1;
      const face = analysis.faces[analysis.primary];
      const framed = { ...face, generatorTransform: generatorFraming(face.generatorTransform, image) };
      source.#faces.set(id, { faceId: id, imageId: id, identityId: photo.identityId, image, face: framed });
    }
    return source;
  }

  faces(): readonly SourceFace[] {
    return [...this.#faces.values()].map(({ faceId, imageId, identityId }) => ({ faceId, imageId, identityId }));
  }

  async alignedCrop(faceId: number, size: number): Promise<PlanarImage> {
    const { image, face } = this.#get(faceId);
    const crop = await alignCrop(image, face.generatorTransform, { template: 'generator', size, format: 'float32' });
    return planarFromInterleaved(crop.data, size, 1);
  }

  async validityMask(faceId: number, size: number): Promise<Float32Array> {
    const { image, face } = this.#get(faceId);
    const mask = validityMask(image, transformForSize(face.generatorTransform, 'generator', size), size);
    // A plain loop: Float32Array.from with a map function costs tens of ms per 256 px mask, which
    // the relight bench then counted as the job's main-thread time.
    const valid = new Float32Array(mask.length);
    for (let i = 0; i < mask.length; i++) valid[i] = mask[i] / 255;
    return valid;
  }

  async scoringFrame(faceId: number, size: number): Promise<Affine> {
    const { face } = this.#get(faceId);
    return composeAffine(face.arcfaceTransform, invertAffine(transformForSize(face.generatorTransform, 'generator', size)));
  }

  async templateLandmarks(faceId: number, size: number): Promise<Float32Array> {
    const { face } = this.#get(faceId);
    const toTemplate = transformForSize(face.generatorTransform, 'generator', size);
    const points = new Float32Array((face.landmarks.length / 3) * 2);
    for (let p = 0; p < points.length / 2; p += 1) {
      const [x, y] = applyAffine(toTemplate, [face.landmarks[p * 3], face.landmarks[p * 3 + 1]]);
      points[p * 2] = x;
      points[p * 2 + 1] = y;
    }
    return points;
  }

  async templateMesh(faceId: number, size: number): Promise<Float32Array> {
    const { face } = this.#get(faceId);
    return meshToTemplate(face.landmarks, transformForSize(face.generatorTransform, 'generator', size));
  }

  async personMask(faceId: number, size: number): Promise<Float32Array> {
    const { image, face } = this.#get(faceId);
    const mask = await personMask(image, transformForSize(face.generatorTransform, 'generator', size), size, this.#vision);
    return Float32Array.from(mask.data, (v) => v / 255);
  }

  async scoringContext(faceId: number): Promise<RgbImage> {
    const { image, face } = this.#get(faceId);
    return scoringContextOf(image, face.arcfaceTransform);
  }

  #get(faceId: number): Analysed {
    const found = this.#faces.get(faceId);
    if (!found) throw new Error(`no analysed face ${faceId}`);
    return found;
  }
}

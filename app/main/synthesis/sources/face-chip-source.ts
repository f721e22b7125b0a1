import { composeAffine, invertAffine, type Affine, type Point } from '../../vision/affine.ts';
import { alignCrop, validityMask } from '../../vision/aligned-crop.ts';
import { generatorFraming, templatePoints, transformForSize, type AlignmentTemplate } from '../../vision/face-templates.ts';
import { decodeRgb, type RgbImage } from '../../vision/rgb-image.ts';
import { estimateSimilarity } from '../../vision/similarity-transform.ts';
import type { FaceSource, SourceFace } from './face-source.ts';
import { planarFromInterleaved, type PlanarImage } from '../packs/image-tensor.ts';
import { scoringContextOf } from './project-identity-scorer.ts';

/** Where the eyes and mouth centre sit in a collection of face chips, as fractions of width and height (image left/right). */
export interface ChipLayout {
  readonly eyeLeft: Point;
  readonly eyeRight: Point;
  readonly mouth: Point;
}

export interface FaceChip extends SourceFace {
  readonly path: string;
  readonly layout: ChipLayout;
}

interface DecodedChip {
  readonly image: RgbImage;
  /** Source → generator template (framed for this chip) at the reference size. */
  readonly generator: Affine;
  /** Source → ArcFace template at 112. */
  readonly arcface: Affine;
}

/**
 * Faces that are already cropped to a known framing (dataset chips such as CroppedYale or dlib's
 * 150 px chips), aligned by the similarity that takes the chip's eyes and mouth onto the template's,
 * framed and padded exactly as analysis frames photos. No mesh or person mask: the default
 * generator then uses the template's nominal regions.
 */
export class FaceChipSource implements FaceSource {
  readonly #chips: Map<number, FaceChip>;
  readonly #decoded = new Map<number, Promise<DecodedChip>>();
  readonly cropSize = 256;

  constructor(chips: readonly FaceChip[]) {
    this.#chips = new Map(chips.map((chip) => [chip.faceId, chip]));
  }

  faces(): readonly SourceFace[] {
    return [...this.#chips.values()].map(({ faceId, imageId, identityId }) => ({ faceId, imageId, identityId }));
  }

  async alignedCrop(faceId: number, size: number): Promise<PlanarImage> {
    const { image, generator } = await this.#decode(faceId);
    const crop = await alignCrop(image, generator, { template: 'generator', size });
    return planarFromInterleaved(crop.data, size, 255);
  }

  async templateLandmarks(): Promise<Float32Array | null> {
    return null;
  }

  async templateMesh(): Promise<Float32Array | null> {
    return null;
  }

  async personMask(): Promise<Float32Array | null> {
    return null;
  }

  async validityMask(faceId: number, size: number): Promise<Float32Array> {
    const { image, generator } = await this.#decode(faceId);
    return Float32Array.from(validityMask(image, transformForSize(generator, 'generator', size), size), (v) => v / 255);
  }

  async scoringFrame(faceId: number, size: number): Promise<Affine> {
    const { generator, arcface } = await this.#decode(faceId);
    return composeAffine(arcface, invertAffine(transformForSize(generator, 'generator', size)));
  }

  async scoringContext(faceId: number): Promise<RgbImage> {
    const { image, arcface } = await this.#decode(faceId);
    return scoringContextOf(image, arcface);
  }

  #decode(faceId: number): Promise<DecodedChip> {
    const chip = this.#chips.get(faceId);
    if (!chip) return Promise.reject(new Error(`no face chip ${faceId}`));
    let decoded = this.#decoded.get(faceId);
    if (!decoded) {
      decoded = decodeRgb(chip.path).then((image) => ({
        image,
        generator: generatorFraming(chipAlignment(chip.layout, image, 'generator'), image),
        arcface: chipAlignment(chip.layout, image, 'arcface'),
      }));
      this.#decoded.set(faceId, decoded);
    }
    return decoded;
  }
}

/** Chip → template at its reference size, by the eyes and the mouth centre. */
function chipAlignment(layout: ChipLayout, image: RgbImage, template: AlignmentTemplate): Affine {
  const [eyeL, eyeR, , mouthL, mouthR] = templatePoints(template);
  const from = [layout.eyeLeft, layout.eyeRight, layout.mouth].map(([x, y]) => [x * image.width, y * image.height] as const);
  const to: Point[] = [eyeL, eyeR, [(mouthL[0] + mouthR[0]) / 2, (mouthL[1] + mouthR[1]) / 2]];
  return estimateSimilarity(from, to);
}

import type { Point } from '../vision/affine.ts';
import { warpAffine } from '../vision/bilinear-warp.ts';
import { templatePoints } from '../vision/face-templates.ts';
import { decodeRgb, type RgbImage } from '../vision/rgb-image.ts';
import { estimateSimilarity } from '../vision/similarity-transform.ts';
import type { FaceSource, SourceFace } from './face-source.ts';
import { planarFromInterleaved, type PlanarImage } from './image-tensor.ts';

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

/**
 * Faces that are already cropped to a known framing (dataset chips such as CroppedYale or dlib's
 * 150 px chips), aligned to the generator template by the similarity that takes the chip's eyes
 * and mouth onto the template's. No mesh or person mask: the default generator then uses the
 * template's nominal regions.
 */
export class FaceChipSource implements FaceSource {
  readonly #chips: Map<number, FaceChip>;
  readonly #decoded = new Map<number, Promise<RgbImage>>();

  constructor(chips: readonly FaceChip[]) {
    this.#chips = new Map(chips.map((chip) => [chip.faceId, chip]));
  }

  faces(): readonly SourceFace[] {
    return [...this.#chips.values()].map(({ faceId, imageId, identityId }) => ({ faceId, imageId, identityId }));
  }

  async alignedCrop(faceId: number, size: number): Promise<PlanarImage> {
    const chip = this.#chips.get(faceId);
    if (!chip) throw new Error(`no face chip ${faceId}`);
    let decoded = this.#decoded.get(faceId);
    if (!decoded) this.#decoded.set(faceId, (decoded = decodeRgb(chip.path)));
    const image = await decoded;
    const [eyeL, eyeR, , mouthL, mouthR] = templatePoints('generator', size);
    const from = [chip.layout.eyeLeft, chip.layout.eyeRight, chip.layout.mouth].map(([x, y]) => [x * image.width, y * image.height] as const);
    const to: Point[] = [eyeL, eyeR, [(mouthL[0] + mouthR[0]) / 2, (mouthL[1] + mouthR[1]) / 2]];
    const warped = warpAffine(image, estimateSimilarity(from, to), size, size, 'clamp');
    return planarFromInterleaved(warped.data, size, 255);
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
}

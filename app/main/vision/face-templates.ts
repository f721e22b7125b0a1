import { scaleAffine, composeAffine, type Affine, type Point } from './affine.ts';
import { estimateSimilarity } from './similarity-transform.ts';

/** The five points every aligner here uses, in this order (image left/right, as seen). */
export type FivePoints = readonly [Point, Point, Point, Point, Point];

export type AlignmentTemplate = 'arcface' | 'generator';

/**
 * ArcFace's 112×112 template (InsightFace), eye centres / nose tip / mouth corners. InsightFace
 * publishes it in OpenCV's pixel-index coordinates; +0.5 moves it to the continuous convention of
 * `affine.ts`.
 */
const ARCFACE_112: FivePoints = [
  [38.2946 + 0.5, 51.6963 + 0.5],
  [73.5318 + 0.5, 51.5014 + 0.5],
  [56.0252 + 0.5, 71.7366 + 0.5],
  [41.5493 + 0.5, 92.3655 + 0.5],
  [70.7299 + 0.5, 92.2041 + 0.5],
];

/**
 * The FFHQ-style 512×512 five-point template used by face restoration / generator pipelines
 * (facexlib's): the whole head with hair and chin, eyes at ~47% height.
 */
const FFHQ_512: FivePoints = [
  [192.98138 + 0.5, 239.94708 + 0.5],
  [318.90277 + 0.5, 240.1936 + 0.5],
  [256.63416 + 0.5, 314.01935 + 0.5],
  [201.26117 + 0.5, 371.41043 + 0.5],
  [313.08905 + 0.5, 371.15118 + 0.5],
];

/** The size each template is defined at; stored transforms map source pixels to this size. */
export const TEMPLATE_REFERENCE_SIZE: Record<AlignmentTemplate, number> = { arcface: 112, generator: 512 };

const TEMPLATES: Record<AlignmentTemplate, FivePoints> = { arcface: ARCFACE_112, generator: FFHQ_512 };

/** The template's five points for a square crop of `size` pixels. */
export function templatePoints(template: AlignmentTemplate, size: number = TEMPLATE_REFERENCE_SIZE[template]): FivePoints {
  const s = size / TEMPLATE_REFERENCE_SIZE[template];
  const [a, b, c, d, e] = TEMPLATES[template].map(([x, y]) => [x * s, y * s] as Point);
  return [a, b, c, d, e];
}

/** Source image → template at its reference size, fitted by least squares to the five points. */
export function alignmentTransform(points: FivePoints, template: AlignmentTemplate): Affine {
  return estimateSimilarity(points, templatePoints(template));
}

/** A stored (reference-size) transform rescaled for a crop of `size` pixels. */
export function transformForSize(reference: Affine, template: AlignmentTemplate, size: number): Affine {
  return composeAffine(scaleAffine(size / TEMPLATE_REFERENCE_SIZE[template]), reference);
}

/**
 * Maps a crop aligned to one template (at `fromSize`) onto another (at `toSize`): both templates
 * describe the same five facial points, so the map between them is a fixed similarity.
 */
export function templateToTemplate(from: AlignmentTemplate, fromSize: number, to: AlignmentTemplate, toSize: number): Affine {
  return estimateSimilarity(templatePoints(from, fromSize), templatePoints(to, toSize));
}

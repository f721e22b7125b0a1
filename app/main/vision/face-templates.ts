import { applyAffine, composeAffine, invertAffine, scaleAffine, similarityAbout, type Affine, type Point } from './affine.ts';
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

/** The generator framing is never tighter than this zoom on the FFHQ template: the inner face, eyebrows to chin (ArcFace sees zoom 1.27). */
export const MAX_GENERATOR_ZOOM = 2.4;
/** A framing showing at least this share of real photo is kept as is. */
const WANTED_VALID_SHARE = 0.75;

/**
 * The generator framing for one image: the FFHQ template (whole head) where the photo holds it,
 * zoomed in on the face — keeping its centre — just enough that the crop is mostly photo when the
 * photo is a tight chip (ORL's 92×112, Yale's), up to `MAX_GENERATOR_ZOOM`. `base` is the FFHQ
 * alignment (source → template at the reference size); the result is stored as the face's
 * generator transform, so every later crop of the face uses the same framing.
 */
export function generatorFraming(base: Affine, image: { width: number; height: number }): Affine {
  const reference = TEMPLATE_REFERENCE_SIZE.generator;
  const centre: Point = [reference / 2, reference / 2];
  let best = base;
  let bestShare = -1;
  for (let zoom = 1; zoom <= MAX_GENERATOR_ZOOM + 1e-9; zoom += 0.05) {
    const framed = composeAffine(similarityAbout(centre, 0, zoom, centre), base);
    const share = frameValidShare(framed, reference, image);
    if (share >= WANTED_VALID_SHARE) return framed;
    if (share > bestShare + 1e-9) [best, bestShare] = [framed, share];
  }
  return best;
}

/** Share of a `size`×`size` frame (source → frame `toFrame`) that lies inside the photo, sampled on a 32×32 grid. */
export function frameValidShare(toFrame: Affine, size: number, image: { width: number; height: number }): number {
  const inverse = invertAffine(toFrame);
  const n = 32;
  let inside = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const [x, y] = applyAffine(inverse, [((i + 0.5) / n) * size, ((j + 0.5) / n) * size]);
      if (x >= 0 && y >= 0 && x <= image.width && y <= image.height) inside++;
    }
  }
  return inside / (n * n);
}

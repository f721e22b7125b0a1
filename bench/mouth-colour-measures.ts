/**
 * Colour measures of an opened mouth against its face's own mouth, in Oklab (bench/mouth-donor-colour.ts
 * and the mouth-cavity spec): the teeth an opening shows and the band along its lower lip. Read
 * on a grid over the opening between the inner lip contours, independently of how the mouth was
 * painted. The product does not use them: they live with the bench.
 */
import { contourAt } from '../app/main/synthesis/geometry/contour-profile.ts';
import { INNER_MOUTH } from '../app/main/synthesis/geometry/mouth-cavity.ts';
import { samplePlanar } from '../app/main/synthesis/geometry/planar-sample.ts';
import { oklabFromRgb } from '../app/main/synthesis/math/oklab.ts';
import type { PlanarImage } from '../app/main/synthesis/packs/image-tensor.ts';
import { median } from '../app/main/core/median.ts';

const OUTER_LIPS = [61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181, 91, 146];
export type Photo = { image: PlanarImage; mesh: Float32Array };

const oklabAt = (image: PlanarImage, x: number, y: number) => oklabFromRgb([0, 1, 2].map((c) => samplePlanar(image, c, x, y)));
const meanOf = (colours: readonly number[][]) => [0, 1, 2].map((k) => colours.reduce((s, c) => s + c[k], 0) / colours.length);
/** Oklab distance, ×100. */
export const deltaE = (p: readonly number[], q: readonly number[]) => 100 * Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);

/** Points of a photo's mouth opening: `across` and `down` shares (0‥1) of its width and of its height there. */
function openingPoints(photo: Photo, across: readonly number[], down: readonly number[]): number[][] {
  const at = (p: number) => [photo.mesh[p * 3], photo.mesh[p * 3 + 1]] as const;
  const [left, right] = [at(78), at(308)];
  const width = Math.hypot(right[0] - left[0], right[1] - left[1]);
  const ax = [(right[0] - left[0]) / width, (right[1] - left[1]) / width];
  const local = ([x, y]: readonly [number, number]) =>
    [(x - left[0]) * ax[0] + (y - left[1]) * ax[1], (y - left[1]) * ax[0] - (x - left[0]) * ax[1]] as const;
  const upper = INNER_MOUTH.slice(0, 11).map((p) => local(at(p)));
  const lower = [...INNER_MOUTH.slice(10), INNER_MOUTH[0]].map((p) => local(at(p))).reverse();
  const colours: number[][] = [];
  for (const s of across) {
    const u = s * width;
    const [top, bottom] = [contourAt(upper, u), contourAt(lower, u)];
    if (bottom - top < 2) continue;
    for (const t of down) {
      const v = top + t * (bottom - top);
      colours.push(oklabAt(photo.image, left[0] + u * ax[0] - v * ax[1] - 0.5, left[1] + u * ax[1] + v * ax[0] - 0.5));
    }
  }
  return colours;
}

const steps = (from: number, to: number, n: number) => Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1));

/** The median Oklab colour of a photo's outer lip contour. */
export function lipsOf(photo: Photo): number[] {
  const colours = OUTER_LIPS.map((p) => oklabAt(photo.image, photo.mesh[p * 3] - 0.5, photo.mesh[p * 3 + 1] - 0.5));
  return [0, 1, 2].map((k) => median(colours.map((c) => c[k])));
}

/** The mean Oklab of an opening's teeth: points lighter than the lips by 0.1 and of chroma under 0.06, at least 12 of 117; else null. */
export function teethOf(photo: Photo): number[] | null {
  const lips = lipsOf(photo);
  const teeth = openingPoints(photo, steps(0.2, 0.8, 13), steps(0.1, 0.9, 9)).filter(
    (c) => c[0] > lips[0] + 0.1 && Math.hypot(c[1], c[2]) < 0.06,
  );
  return teeth.length >= 12 ? meanOf(teeth) : null;
}

/** Oklab hue angle, degrees. */
export const hue = (c: readonly number[]) => (Math.atan2(c[2], c[1]) * 180) / Math.PI;

/** The mean Oklab colour of the band along an opening's lower lip: the lowest quarter of its height (0.75‥0.95), the middle half of its width. */
export const rimOf = (photo: Photo) => meanOf(openingPoints(photo, steps(0.25, 0.75, 11), steps(0.75, 0.95, 3)));

import { contourAt } from './contour-profile.ts';
import type { PlanarImage } from '../packs/image-tensor.ts';
import { samplePlanar } from './planar-sample.ts';
import { smoothstep } from './smoothstep.ts';
import { oklabFromRgb, rgbFromOklab } from '../math/oklab.ts';
import { median } from '../../core/median.ts';

/**
 * Each eye's lid margins in the 468-point mesh, from the outer corner to the inner one: upper lid
 * points paired with the lower lid points under them (MediaPipe's published topology).
 */
export const EYES: readonly { readonly outer: number; readonly inner: number; readonly lids: readonly (readonly [number, number])[] }[] = [
  {
    outer: 33,
    inner: 133,
    lids: [
      [246, 7],
      [161, 163],
      [160, 144],
      [159, 145],
      [158, 153],
      [157, 154],
      [173, 155],
    ],
  },
  {
    outer: 263,
    inner: 362,
    lids: [
      [466, 249],
      [388, 390],
      [387, 373],
      [386, 374],
      [385, 380],
      [384, 381],
      [398, 382],
    ],
  },
];

/** Offsets around a point, for its fine texture against its surroundings. */
const NEIGHBOURS = [
  [-2, 0],
  [2, 0],
  [0, -2],
  [0, 2],
] as const;

/** Brow points over each eye (lower edge of the brow), to keep the lid's skin from reaching into the brow. */
const BROW_LOWER = [
  [46, 53, 52, 65, 55],
  [276, 283, 282, 295, 285],
];

/**
 * Paints closed (or closing) upper lids over `image`, the crop already warped from `photo` (its
 * image and 468 × x, y, z mesh in crop pixels) to the `target` mesh. The warp alone stretched the
 * lashes and the iris's top edge over the eye: a smear. From a little over the source's upper lid
 * down to the lid's new line, the lid is painted in Oklab as a smooth surface between the colours
 * it joins (mostly the warped skin just over it, near its lash line the skin under it), drawn toward
 * the colour of the skin around the eye in its middle, where a closed lid bulges over the eyeball; it darkens a
 * little toward its edge, where it turns under, takes the cheek's fine texture, and ends in a thin
 * soft lash line in the eye's own darkest tone. Nothing outside the eye's box is touched.
 * The lid was once the skin band above the eye stretched down: on deep-set and shadowed eyes that
 * band is the socket's shadow and the brow's lower edge, and it painted a dark block that merged
 * with the brows (John Schneider); on soft ones, the lashes and crease made a blurred smudge.
 */
export function paintClosedLids(
  image: PlanarImage,
  target: Float32Array,
  photo: { readonly image: PlanarImage; readonly mesh: Float32Array },
): PlanarImage {
  const { size } = image;
  const source = photo.mesh;
  const plane = size * size;
  const data = Float32Array.from(image.data);
  const at = (mesh: Float32Array, p: number) => [mesh[p * 3], mesh[p * 3 + 1]] as const;
  const [l, r] = [at(source, 33), at(source, 263)];
  const eyes = Math.hypot(r[0] - l[0], r[1] - l[1]);
  const oklabOf = (from: PlanarImage) => (x: number, y: number) => oklabFromRgb([0, 1, 2].map((c) => samplePlanar(from, c, x, y)));
  // The skin around the eye and the eye's own tones are read off the photo; the warp has already
  // pulled the lashes and the iris over the skin above the eye.
  const photoAt = oklabOf(photo.image);
  const warpedAt = oklabOf(image);
  for (const e of EYES.keys()) {
    const { origin, end, axis, down, length, local, pixel, upper, lower, closed, brow } = eyeFrame(source, target, e);
    if (length < 2) continue;
    const lash = Math.max(0.8, 0.012 * eyes);
    const skin = skinAround((u, v) => photoAt(...pixel(u, v)), upper, lower, brow, length, eyes);
    const darkest = darkestTone((u, v) => photoAt(...pixel(u, v)), upper, lower, length);
    // An eye already shut has nothing to close.
    if (!darkest) continue;
    // How far over the source's upper lid the lid begins, fading in: a quarter of the closing.
    const edge = (u: number) => Math.max(1.5, 0.25 * (contourAt(closed, u) - contourAt(upper, u)));
    // The colours the lid joins, per half pixel along the eye: the warped skin just over where it
    // begins and just under its lash line, smoothed along the eye. What is as dark as lashes (a
    // quarter of the way from the eye's darkest tone to the skin) or much lighter than the skin
    // (white of the eye left under the lid) is taken toward the skin; a socket's shadow is kept.
    // Toward the skin's colour alone, the lids of deep-set and made-up eyes came out light ovals.
    const step = 0.5;
    const columns = Math.ceil(length / step) + 1;
    const lashDark = oklabFromRgb(darkest)[0] + 0.25 * (skin[0] - oklabFromRgb(darkest)[0]);
    const rim = (vAt: (u: number) => number) => {
      const raw = Array.from({ length: columns }, (_, k) => {
        const lab = warpedAt(...pixel(k * step, vAt(k * step)));
        const dark = smoothstep(Math.min(1, Math.max(0, (lashDark - lab[0]) / 0.05)));
        const bright = smoothstep(Math.min(1, Math.max(0, (lab[0] - skin[0] - 0.06) / 0.05)));
        const off = Math.max(dark, bright);
        return lab.map((x, c) => x + off * (skin[c] - x));
      });
      const reach = Math.max(1, Math.round((0.03 * eyes) / step));
      return raw.map((_, k) => {
        const near = raw.slice(Math.max(0, k - reach), k + reach + 1);
        return [0, 1, 2].map((c) => near.reduce((sum, lab) => sum + lab[c], 0) / near.length);
      });
    };
    const rimAbove = rim((u) => contourAt(upper, u) - edge(u));
    const rimBelow = rim((u) => contourAt(closed, u) + 2.5 * lash);
    const xs = [origin[0], end[0]];
    const ys = [origin[1], end[1]];
    for (const [u, v] of [...upper, ...closed]) {
      xs.push(origin[0] + u * axis[0] + v * down[0]);
      ys.push(origin[1] + u * axis[1] + v * down[1]);
    }
    const [x0, x1] = [Math.max(0, Math.floor(Math.min(...xs) - 2)), Math.min(size - 1, Math.ceil(Math.max(...xs) + 2))];
    const [y0, y1] = [Math.max(0, Math.floor(Math.min(...ys) - 2)), Math.min(size - 1, Math.ceil(Math.max(...ys) + 3 * lash))];
    for (let y = y0; y <= y1; y += 1) {
      for (let x = x0; x <= x1; x += 1) {
        const [u, v] = local(x + 0.5, y + 0.5);
        if (u <= 0 || u >= length) continue;
        const top = contourAt(upper, u);
        const opening = Math.max(0, contourAt(lower, u) - top);
        const lid = contourAt(closed, u);
        const closing = Math.max(0, lid - top);
        if (opening <= 0 || closing <= 0) continue;
        const begin = top - edge(u);
        const t = (u / length) * 2 - 1;
        const taper = Math.sqrt(Math.max(0, 1 - t * t));
        // Thickest toward the outer corner (t = −1), as lashes grow.
        const lashWeight = taper * (0.75 + 0.25 * -t) * Math.exp(-(((v - lid) / (1.3 * lash)) ** 2));
        const j = y * size + x;
        const colour = [0, 1, 2].map((c) => data[c * plane + j]);
        if (v >= begin && v <= lid) {
          const s = Math.max(0, (v - top) / closing);
          const w = (v - begin) / Math.max(1, lid - begin);
          const k = Math.max(0, Math.min(columns - 1, Math.round(u / step)));
          const bulge = 0.3 * 4 * w * (1 - w);
          // Mostly the tone of the skin over the lid, the same skin folded down; the lower rim only near the lash line.
          const base = [0, 1, 2].map((c) => {
            const joined = rimAbove[k][c] + w * w * (rimBelow[k][c] - rimAbove[k][c]);
            return joined + bulge * (skin[c] - joined);
          });
          // Fine texture only: the cheek's lightness against its surroundings, held to a small step,
          // and none at the lid's rims, where it meets the warp's own.
          const [cx, cy] = pixel(u, contourAt(lower, u) + 0.06 * eyes + s * 0.04 * eyes);
          const around = NEIGHBOURS.reduce((sum, [dx, dy]) => sum + photoAt(cx + dx, cy + dy)[0] / 4, 0);
          const texture = Math.max(-0.04, Math.min(0.04, photoAt(cx, cy)[0] - around)) * Math.min(1, 8 * w * (1 - w));
          const paint = rgbFromOklab([base[0] - 0.05 * s * s + texture, base[1], base[2]]);
          // Feathered into the warp toward the eye's corners, where the lids meet anyway.
          const ends = smoothstep(Math.min(1, u / (0.25 * length), (length - u) / (0.25 * length)));
          const alpha = ends * smoothstep(Math.min(1, (v - begin) / (2 * edge(u))));
          for (let c = 0; c < 3; c += 1) colour[c] += alpha * (paint[c] - colour[c]);
        }
        if (lashWeight > 0.01) for (let c = 0; c < 3; c += 1) colour[c] += lashWeight * (darkest[c] - colour[c]);
        for (let c = 0; c < 3; c += 1) data[c * plane + j] = colour[c];
      }
    }
  }
  return { size, data };
}

/**
 * One eye's own frame on the source mesh: `u` along the eye from its outer corner to its inner one,
 * `v` toward the lower lid, both in crop pixels, with the lids' contours in it: the source's upper
 * and lower lid and the `target` mesh's upper lid (where a closing lid ends), and the lowest `v`
 * of the brow's lower edge over the eye.
 */
export function eyeFrame(source: Float32Array, target: Float32Array, e: number) {
  const eye = EYES[e];
  const at = (mesh: Float32Array, p: number) => [mesh[p * 3], mesh[p * 3 + 1]] as const;
  const origin = at(source, eye.outer);
  const end = at(source, eye.inner);
  const length = Math.hypot(end[0] - origin[0], end[1] - origin[1]);
  const axis = [(end[0] - origin[0]) / length, (end[1] - origin[1]) / length];
  // "Down" is toward the lower lid, whichever eye and whichever way the contour runs.
  let down = [-axis[1], axis[0]];
  const [mx, my] = at(source, eye.lids[3][1]);
  if ((mx - origin[0]) * down[0] + (my - origin[1]) * down[1] < 0) down = [-down[0], -down[1]];
  const local = (x: number, y: number) =>
    [(x - origin[0]) * axis[0] + (y - origin[1]) * axis[1], (x - origin[0]) * down[0] + (y - origin[1]) * down[1]] as const;
  /** A point of the eye's frame as the sampling position (pixel centres at integers). */
  const pixel = (u: number, v: number) =>
    [origin[0] + u * axis[0] + v * down[0] - 0.5, origin[1] + u * axis[1] + v * down[1] - 0.5] as const;
  const contour = (mesh: Float32Array, side: 0 | 1) => [
    local(...at(mesh, eye.outer)),
    ...eye.lids.map((pair) => local(...at(mesh, pair[side]))),
    local(...at(mesh, eye.inner)),
  ];
  const brow = Math.max(...BROW_LOWER[e].map((p) => local(...at(source, p))[1]));
  return {
    origin,
    end,
    axis,
    down,
    length,
    local,
    pixel,
    upper: contour(source, 0),
    lower: contour(source, 1),
    closed: contour(target, 0),
    brow,
  };
}

/** Oklab colour at a point of an eye's frame (`u` along the eye from its outer corner, `v` down). */
type EyeColour = (u: number, v: number) => [number, number, number];
type Contour = readonly (readonly [number, number])[];

/**
 * The skin around one eye (Oklab): samples from under the brow's lower edge down to just above the
 * upper lid, and on the cheek 0.04‥0.12 eye distances under the lower lid, over the eye's middle
 * 80 %. Samples darker than the cheek's median by 0.06 in lightness are left out (brow hairs,
 * lashes, the shadow of a deep socket); the colour is the mean of the two regions' medians (the
 * cheek's alone when under a quarter of the upper samples are kept).
 */
function skinAround(colourAt: EyeColour, upper: Contour, lower: Contour, brow: number, length: number, eyes: number): number[] {
  const above: number[][] = [];
  const below: number[][] = [];
  const step = Math.max(0.5, 0.01 * eyes);
  for (let u = 0.1 * length; u <= 0.9 * length; u += step) {
    const top = contourAt(upper, u) - 0.04 * eyes;
    for (let v = Math.min(top, brow + 0.03 * eyes); v <= top; v += step) above.push(colourAt(u, v));
    const bottom = contourAt(lower, u);
    for (let v = bottom + 0.04 * eyes; v <= bottom + 0.12 * eyes; v += step) below.push(colourAt(u, v));
  }
  const medianOf = (samples: readonly number[][]) => [0, 1, 2].map((k) => median(samples.map((lab) => lab[k])));
  const floor = medianOf(below)[0] - 0.06;
  const keptAbove = above.filter((lab) => lab[0] >= floor);
  const cheek = medianOf(below.filter((lab) => lab[0] >= floor));
  if (keptAbove.length < 0.25 * above.length) return cheek;
  return medianOf(keptAbove).map((x, k) => (x + cheek[k]) / 2);
}

/** The eye's own darkest tone (sRGB 0‥1): the 5th percentile by lightness of its opening (lashes, pupil); null when it shows none. */
function darkestTone(colourAt: EyeColour, upper: Contour, lower: Contour, length: number): [number, number, number] | null {
  const samples: number[][] = [];
  for (let u = 0.15 * length; u <= 0.85 * length; u += 0.5) {
    const [top, bottom] = [contourAt(upper, u), contourAt(lower, u)];
    for (let v = top; v <= bottom; v += 0.5) samples.push(colourAt(u, v));
  }
  if (samples.length === 0) return null;
  samples.sort((a, b) => a[0] - b[0]);
  return rgbFromOklab(samples[Math.floor(0.05 * (samples.length - 1))]);
}

import { contourAt } from './contour-profile.ts';
import type { PlanarImage } from '../packs/image-tensor.ts';
import { samplePlanar } from './planar-sample.ts';
import { smoothstep } from './smoothstep.ts';

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

/** Brow points over each eye (lower edge of the brow), to keep the lid's skin from reaching into the brow. */
const BROW_LOWER = [
  [46, 53, 52, 65, 55],
  [276, 283, 282, 295, 285],
];

/**
 * Paints closed (or closing) upper lids over `image`, the crop already warped from the `source`
 * mesh to `target` (both 468 × x, y, z in crop pixels): between a band above the source's upper lid
 * and the lid's new line, the skin above the eye (as the warp left it, so the lid joins it without a
 * seam) is stretched down over the eye, darkening slightly toward a soft lash line along the new lid
 * edge. The warp alone stretched the lashes and the iris's top edge over the eye: a smear.
 */
export function paintClosedLids(image: PlanarImage, source: Float32Array, target: Float32Array): PlanarImage {
  const { size } = image;
  const plane = size * size;
  const data = Float32Array.from(image.data);
  const at = (mesh: Float32Array, p: number) => [mesh[p * 3], mesh[p * 3 + 1]] as const;
  const [l, r] = [at(source, 33), at(source, 263)];
  const eyes = Math.hypot(r[0] - l[0], r[1] - l[1]);
  for (const [e, eye] of EYES.entries()) {
    const origin = at(source, eye.outer);
    const end = at(source, eye.inner);
    const length = Math.hypot(end[0] - origin[0], end[1] - origin[1]);
    if (length < 2) continue;
    const axis = [(end[0] - origin[0]) / length, (end[1] - origin[1]) / length];
    // "Down" is toward the lower lid, whichever eye and whichever way the contour runs.
    let down = [-axis[1], axis[0]];
    const [mx, my] = at(source, eye.lids[3][1]);
    if ((mx - origin[0]) * down[0] + (my - origin[1]) * down[1] < 0) down = [-down[0], -down[1]];
    const local = (x: number, y: number) =>
      [(x - origin[0]) * axis[0] + (y - origin[1]) * axis[1], (x - origin[0]) * down[0] + (y - origin[1]) * down[1]] as const;
    const contour = (mesh: Float32Array, side: 0 | 1) => [
      local(...at(mesh, eye.outer)),
      ...eye.lids.map((pair) => local(...at(mesh, pair[side]))),
      local(...at(mesh, eye.inner)),
    ];
    const upper = contour(source, 0);
    const lower = contour(source, 1);
    const closed = contour(target, 0);
    const brow = Math.max(...BROW_LOWER[e].map((p) => local(...at(source, p))[1]));
    const lash = Math.max(0.8, 0.012 * eyes);
    const xs = [origin[0], end[0]];
    const ys = [origin[1], end[1]];
    for (const [u, v] of [...upper, ...closed]) {
      xs.push(origin[0] + u * axis[0] + v * down[0]);
      ys.push(origin[1] + u * axis[1] + v * down[1]);
    }
    const reach = 0.3 * eyes;
    const [x0, x1] = [Math.max(0, Math.floor(Math.min(...xs) - 2)), Math.min(size - 1, Math.ceil(Math.max(...xs) + 2))];
    const [y0, y1] = [Math.max(0, Math.floor(Math.min(...ys) - reach)), Math.min(size - 1, Math.ceil(Math.max(...ys) + 3 * lash))];
    for (let y = y0; y <= y1; y += 1) {
      for (let x = x0; x <= x1; x += 1) {
        const [u, v] = local(x + 0.5, y + 0.5);
        if (u <= 0 || u >= length) continue;
        const top = contourAt(upper, u);
        const opening = Math.max(0, contourAt(lower, u) - top);
        const lid = contourAt(closed, u);
        const closing = Math.max(0, lid - top);
        if (opening <= 0 || closing <= 0) continue;
        // Above the lashes (a third of the opening), and a skin band above that the lid is stretched from.
        const lashBand = 0.3 * closing;
        const skin = Math.max(2, Math.min(1.6 * opening, 0.6 * (top - brow) - lashBand));
        const bandTop = top - lashBand - skin;
        const t = (u / length) * 2 - 1;
        const taper = Math.sqrt(Math.max(0, 1 - t * t));
        const lashWeight = 0.7 * taper * (0.75 + 0.25 * -t) * Math.exp(-(((v - lid) / lash) ** 2));
        if (v >= bandTop && v <= lid) {
          // v in [bandTop, lid] shows the skin of [bandTop, top − lashBand]: the band's own pixels
          // where the lid begins (so it joins the skin above), then the band's mean colour. Stretched
          // row by row, a thin band drew vertical streaks.
          const s = (v - bandTop) / (lid - bandTop);
          const at = (du: number, sv: number) =>
            [origin[0] + (u + du) * axis[0] + sv * down[0] - 0.5, origin[1] + (u + du) * axis[1] + sv * down[1] - 0.5] as const;
          const [sx, sy] = at(0, bandTop + s * skin);
          const blend = smoothstep(Math.min(1, s / 0.4));
          // The lid darkens a little toward its edge, where it turns under.
          const shade = 1 - 0.1 * s * s;
          // Feathered into the warp toward the eye's corners, where the lids meet anyway.
          const ends = smoothstep(Math.min(1, u / (0.2 * length), (length - u) / (0.2 * length)));
          for (let c = 0; c < 3; c += 1) {
            let mean = 0;
            for (const du of [-2, 0, 2]) {
              for (let k = 0; k < 4; k += 1) mean += samplePlanar(image, c, ...at(du, bandTop + ((k + 0.5) / 4) * skin)) / 12;
            }
            const own = samplePlanar(image, c, sx, sy);
            const j = c * plane + y * size + x;
            data[j] += ends * (shade * (own + blend * (mean - own)) - data[j]);
          }
        }
        if (lashWeight > 0.01) for (let c = 0; c < 3; c += 1) data[c * plane + y * size + x] *= 1 - lashWeight;
      }
    }
  }
  return { size, data };
}

import { median } from '../../core/median.ts';
import { contourAt } from './contour-profile.ts';
import type { PlanarImage } from '../packs/image-tensor.ts';
import { oklabFromRgb, rgbFromOklab } from '../math/oklab.ts';
import { meshPose } from './head-rotation.ts';
import { samplePlanar } from './planar-sample.ts';
import { smoothstep } from './smoothstep.ts';

/** The opening between the lips, in order around it: upper inner lip from corner to corner, then the lower inner lip back. */
export const INNER_MOUTH = [78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87, 178, 88, 95];
/** Points on the lips' red (outer centre and beside it) whose colour the cavity is shaded from. */
const LIP_RED = [0, 37, 267, 17, 84, 314];
/** Skin beside the mouth, for the light falling on it. */
const CHEEKS = [205, 425, 50, 280];
/** The lips' outer contour, for their colour where a whole photo's mouth is compared with another's. */
const OUTER_LIPS = [61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181, 91, 146];
/** Skin around the mouth (beside the corners, under the nose, over the chin, the cheeks beside): with `OUTER_LIPS`, the ring whose light a donor's mouth is brought into. */
const SKIN_AROUND_MOUTH = [
  57, 287, 164, 2, 18, 200, 43, 273, 106, 335, 186, 410, 92, 322, 165, 391, 212, 432, 202, 422, 204, 424, 36, 266, 205, 425,
];

/** Another photo of the same person, aligned as the source is, whose open mouth lends its inside. */
export interface MouthDonor {
  readonly image: PlanarImage;
  /** 468 × x, y, z in its crop's pixels. */
  readonly mesh: Float32Array;
}

/**
 * How far apart a photo's inner lips must be, in eye distances, to lend its mouth's inside: ORL's
 * within-person lip gap varies by 0.11 at the 75th percentile, so this is a clearly opened mouth.
 */
export const DONOR_LIP_GAP = 0.1;
/**
 * How far apart an opened mouth's inner lips end (`lipGap`, eye distances) when neither the person
 * nor the project has open-mouth photos to go by (`typicalOpenMouthGap`): the median of real open mouths (lip gap ≥ DONOR_LIP_GAP, mesh yaw
 * within ±25°) in ORL (29 photos, 0.120), johns (19, 0.139) and 120 LFW people (208, 0.147),
 * 0.141 over all 256; quartiles 0.120 and 0.178.
 */
export const OPEN_MOUTH_LIP_GAP = 0.14;
/** The 90th percentile of the same real open mouths: no mouth is opened wider than this unless its person's own open-mouth photo is. */
export const WIDE_OPEN_LIP_GAP = 0.22;
/**
 * The least an opened mouth's lips part further than the source's (eye distances), up to
 * `WIDE_OPEN_LIP_GAP`: a source already open as wide as the target (a toothy smile, as most real
 * open mouths are) would otherwise come out unchanged.
 */
export const LEAST_OPENING = 0.05;
/**
 * How far a donor's inside may be stretched down the opening to reach the lower lip. The opening
 * is as tall as the donor's in eye distances, but a donor's smile is wider for its eye distance,
 * so at its own scale (by mouth width) its inside covered 0.77–0.88 of the johns' openings and
 * left a dark crescent of cavity under the teeth; 1.3 fills those and keeps teeth from growing
 * tall where a donor covers far less (0.41 and 0.53 of two LFW people's).
 */
const DONOR_STRETCH = 1.3;
/** A donor turned further than this (mesh yaw, degrees) shows the inside of its mouth from the side. */
const DONOR_MAX_YAW = 25;

/** The gap between the inner lips' middles, in eye distances (outer eye corners). */
export function lipGap(mesh: Float32Array): number {
  const d = (a: number, b: number) => Math.hypot(mesh[a * 3] - mesh[b * 3], mesh[a * 3 + 1] - mesh[b * 3 + 1]);
  return d(13, 14) / d(33, 263);
}

/**
 * How many open mouths facing the camera a project needs for its own median to stand for a typical
 * one: the median of ten real ones is within about 0.01 of the set's (quartiles 0.12 and 0.18).
 */
export const PROJECT_OPEN_MOUTHS = 10;

/**
 * How far apart a typical open mouth's lips are in a project (its faces' meshes): the median lip gap
 * of those open at least `DONOR_LIP_GAP` and facing the camera, when there are `PROJECT_OPEN_MOUTHS`
 * of them; else `OPEN_MOUTH_LIP_GAP`, measured on the shared sets the same way.
 */
export function typicalOpenMouthGap(meshes: Iterable<Float32Array>): number {
  const gaps: number[] = [];
  for (const mesh of meshes) if (lipGap(mesh) >= DONOR_LIP_GAP && Math.abs(meshPose(mesh).yaw) <= DONOR_MAX_YAW) gaps.push(lipGap(mesh));
  return gaps.length < PROJECT_OPEN_MOUTHS ? OPEN_MOUTH_LIP_GAP : median(gaps);
}

/**
 * Of a person's other photos (their meshes, in a fixed order), the index of the one whose mouth is
 * open widest, at least `DONOR_LIP_GAP` and facing the camera; null when none is. Ties go to the first.
 */
export function pickMouthDonor(meshes: readonly Float32Array[]): number | null {
  let best: number | null = null;
  for (const [i, mesh] of meshes.entries()) {
    if (lipGap(mesh) < DONOR_LIP_GAP || Math.abs(meshPose(mesh).yaw) > DONOR_MAX_YAW) continue;
    if (best === null || lipGap(mesh) > lipGap(meshes[best])) best = i;
  }
  return best;
}

/**
 * Paints the inside of an opened mouth over `image`, inside the inner lip contour of `target` (468
 * × x, y, z in crop pixels); the warp only stretched the lips' own line, or the teeth the source
 * showed, over the opening. What the source's own opening showed (teeth) stays attached to its lip:
 * down to its darkest line (`jawSplit`) under the upper lip, the rest above the lower lip, as the
 * teeth move with the jaws. The rest is a cavity shaded from the lips' colour (`cavityShade`): a dark red-brown,
 * darkest furthest from the lips (the back of the mouth), the tongue lower, with a hint of upper
 * teeth where the source showed none, and its edge soft against the lips. With a `donor` (the same
 * person's photo with an open mouth) the whole opening is the donor's instead, mapped lip line to
 * lip line (across the mouth by the share of its width, down by the share of the opening's height)
 * and brought into the source's light in Oklab (`donorColours`).
 */
export function paintMouthCavity(
  image: PlanarImage,
  target: Float32Array,
  source: { image: PlanarImage; mesh: Float32Array },
  donor: MouthDonor | null = null,
): PlanarImage {
  const { size } = image;
  const plane = size * size;
  const at = (p: number, mesh = target) => [mesh[p * 3], mesh[p * 3 + 1]] as const;
  const polygon = INNER_MOUTH.map((p) => at(p));
  const lip = meanColourAt(image, at, LIP_RED);
  const skin = meanColourAt(image, at, CHEEKS);
  const skinLuma = luma(skin);
  // Teeth are a warm off-white brighter than the lit skin beside them, and grey in a grey photo.
  const grey = Math.max(...skin) - Math.min(...skin) < 0.02;
  const tint = grey ? [1, 1, 1] : [1, 0.96, 0.88];
  const teeth = tint.map((t) => t * Math.min(0.9, Math.max(0.45, 1.5 * skinLuma + 0.15)));
  const cavityAt = cavityShade(lip);

  const { width, local, upper, lower } = lipFrame(at);
  // What shows inside: the donor's mouth if one is lent, else whatever the source's own lips parted on.
  const mouth = mouthFrame(donor ?? source, donor ? donorColours(donor, source) : lightOfLips(source, lip));
  mouth.scale = mouth.width / width;
  const opening = Math.hypot(at(13)[0] - at(14)[0], at(13)[1] - at(14)[1]);
  if (opening < 1) return image;
  const teethHeight = Math.min(0.3 * opening, 0.1 * width);

  const xs = polygon.map((p) => p[0]);
  const ys = polygon.map((p) => p[1]);
  const [x0, x1] = [Math.max(0, Math.floor(Math.min(...xs))), Math.min(size - 1, Math.ceil(Math.max(...xs)))];
  const [y0, y1] = [Math.max(0, Math.floor(Math.min(...ys))), Math.min(size - 1, Math.ceil(Math.max(...ys)))];
  const data = Float32Array.from(image.data);
  for (let y = y0; y <= y1; y += 1) {
    for (let x = x0; x <= x1; x += 1) {
      const [px, py] = [x + 0.5, y + 0.5];
      const inside = insidePolygon(polygon, px, py);
      const edge = edgeDistance(polygon, px, py);
      // Antialiased against the lips: full cavity a pixel and a half inside the contour.
      const alpha = inside ? Math.min(1, 0.5 + edge / 1.5) : Math.max(0, 0.5 - edge);
      if (alpha <= 0) continue;
      const [u, v] = local(px, py);
      const top = contourAt(upper, u);
      const bottom = contourAt(lower, u);
      const height = Math.max(1, bottom - top);
      const side = Math.min(1, Math.abs(u / width - 0.5) * 2);
      // Depth: 0 at the lips, 1 at the middle of the opening; the sides of the mouth are shallow.
      const depth = Math.min(1, (Math.min(v - top, bottom - v) / (0.5 * height)) * (1 - 0.5 * side * side));
      const cavity = cavityAt(side, (v - top) / height, depth);
      // The photo's inside at its own scale, each jaw's part riding on its lip (as teeth ride on the
      // jaws), fading into the cavity over 2 px where the new opening is taller than the photo's.
      // A donor's is stretched down the opening (up to `DONOR_STRETCH`) to reach the lower lip.
      const share = u / width;
      const { top: mouthTop, shown } = mouth.opening(share);
      const [upperShown, lowerShown] = [mouth.split * shown, (1 - mouth.split) * shown];
      const down = donor ? Math.min(mouth.scale, Math.max(mouth.scale / DONOR_STRETCH, shown / height)) : mouth.scale;
      const fromTop = (v - top) * down;
      const fromBottom = (bottom - v) * down;
      let kept: readonly [number, number] | null = null;
      let keep = 0;
      if (fromTop < upperShown) [kept, keep] = [mouth.toCrop(share, mouthTop + fromTop), Math.min(1, (upperShown - fromTop) / 2)];
      else if (fromBottom < lowerShown)
        [kept, keep] = [mouth.toCrop(share, mouthTop + shown - fromBottom), Math.min(1, (lowerShown - fromBottom) / 2)];
      // Where the photo showed no teeth, a hint of the upper ones: a band under the upper lip,
      // fading toward the mouth's corners and into the cavity.
      const t = (v - top) / teethHeight;
      const teethAlpha =
        t < 1 ? 0.85 * (1 - side ** 2) * (1 - smoothstep(Math.max(0, t))) * Math.max(0, 1 - upperShown / mouth.scale / teethHeight) : 0;
      const lent = kept ? mouth.colour([0, 1, 2].map((c) => samplePlanar(mouth.image, c, kept[0], kept[1]))) : null;
      for (let c = 0; c < 3; c += 1) {
        const j = c * plane + y * size + x;
        // The teeth's lower edge falls into the shadow of the cavity.
        let fill = cavity[c] + teethAlpha * (teeth[c] * (1 - 0.3 * Math.max(0, t)) - cavity[c]);
        if (lent) fill += keep * (lent[c] - fill);
        data[j] = data[j] + alpha * (fill - data[j]);
      }
    }
  }
  return { size, data };
}

const luma = (c: readonly number[]) => 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];

/**
 * The inside of an opened mouth where no photo shows it, shaded from the lips' own colour (so in the
 * photo's light): at `side` (0 in the middle to 1 at a corner), `down` (0 at the upper lip to 1 at
 * the lower) and `depth` (0 at the lips to 1 in the middle of the opening). The lips' red deepens
 * and darkens from the lips inward to a dark red-brown at the back, not black: the darkest tenth of
 * real open mouths (johns, ORL, LFW) is 0.27–0.48 of the lips' brightness at the quartiles. The
 * tongue's top shows in the lower part, a dome highest in the middle, dimmer toward its crest where
 * it turns away into the back. Its tones stay dark: brighter ones (0.6 of the lips) made FaceMesh
 * find the lips a third less far apart on the variants (0.058 eye distances against 0.085).
 */
function cavityShade(lip: readonly number[]) {
  const lipLuma = luma(lip);
  // The lips' colour at a share of their brightness, its difference from grey scaled by `saturation`.
  const tone = (share: number, saturation: number) =>
    lip.map((l) => Math.min(1, Math.max(0, share * (lipLuma + saturation * (l - lipLuma)))));
  const rim = tone(0.4, 1.4);
  const back = tone(0.27, 2.2);
  const tongue = tone(0.42, 1.5);
  return (side: number, down: number, depth: number): number[] => {
    const dark = smoothstep(Math.max(0, Math.min(1, 1.25 * depth)));
    const crest = 0.45 + 0.45 * side * side;
    const over = Math.max(0, Math.min(1, (down - crest) / Math.max(0.05, 1 - crest)));
    const onTongue = smoothstep(Math.min(1, over * 2.5)) * (1 - side * side);
    const lit = 0.75 + 0.25 * smoothstep(over);
    return rim.map((r, c) => {
      const wall = r + dark * (back[c] - r);
      return wall + onTongue * (tongue[c] * lit - wall);
    });
  };
}

function edgeDistance(polygon: readonly (readonly [number, number])[], x: number, y: number): number {
  let best = Infinity;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i, i += 1) {
    const [ax, ay] = polygon[j];
    const [bx, by] = polygon[i];
    const [dx, dy] = [bx - ax, by - ay];
    const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy || 1)));
    best = Math.min(best, Math.hypot(x - ax - t * dx, y - ay - t * dy));
  }
  return best;
}

/** Even-odd point-in-polygon test. */
export function insidePolygon(polygon: readonly (readonly [number, number])[], x: number, y: number): boolean {
  let hit = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i, i += 1) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

/** Brings a colour (sRGB, 0‥1) of one photo into another's light. */
type ColourMap = (rgb: readonly number[]) => readonly number[];

/**
 * The source's own parted lips, seen in the warped image's light: each channel scaled by the lips'
 * red there over the source's, within 0.5‥2 (the two are the same photo, so this is about 1).
 */
function lightOfLips(photo: { image: PlanarImage; mesh: Float32Array }, targetLip: readonly number[]): ColourMap {
  const lip = meanColourAt(photo.image, (p) => [photo.mesh[p * 3], photo.mesh[p * 3 + 1]], LIP_RED);
  const gain = targetLip.map((l, c) => Math.min(2, Math.max(0.5, l / Math.max(0.02, lip[c]))));
  return (rgb) => rgb.map((v, c) => gain[c] * v);
}

/**
 * How much of the mouth ring's change between two photos of one person their teeth show, in Oklab:
 * of its lightness (as a ratio: the exponent of the ring's ratio) and of its `a` and `b` (shares of
 * its change). Fitted on 321 pairs of photos of one person that both show teeth (`teethColour`;
 * 25 people: the 5 johns and 20 LFW people of 32 drawn, up to 12 photos each; `a` and `b` on the
 * johns' 100 pairs, LFW being grey): slopes 0.71 (r 0.86), 0.43 (r 0.63) and 0.65 (r 0.71). Teeth,
 * nearly white, take less of a change of light than skin (highlights are compressed) and less of its
 * tint. Brought over as the ring is, a donor's teeth take the skin's tone.
 */
const TEETH_FOLLOW = { lightness: 0.71, a: 0.43, b: 0.65 };
/**
 * A donor's colour this much lighter (Oklab L) than its lips and this little chromatic is taken for
 * teeth, fully at twice as much lighter and under the chroma, not at all past twice the chroma.
 */
const TEETH_ABOVE_LIPS = 0.05;
const TEETH_CHROMA = 0.04;
/** Of the 117 points `teethColour` reads, how many must be teeth for a photo to show them. */
const TEETH_AT_LEAST = 12;

/**
 * A donor's mouth brought into the source's light, in Oklab. Everything but teeth moves with the
 * ring of lips and skin around the mouth (`OUTER_LIPS`, `SKIN_AROUND_MOUTH`, medians in each photo):
 * its lightness by the ring's ratio, its tint by the ring's change in `a` and `b` (scaled by the
 * pixel's lightness over the ring's: a cast moves a dark colour's `a` and `b` less). Teeth (by
 * lightness over the donor's lips and low chroma) follow the ring only as far as real teeth do
 * (`TEETH_FOLLOW`), or, when the source and the donor both show teeth, are matched to the source's.
 * Before, each RGB channel was scaled by the lips' ratio (up to 2): John Salley's donor teeth came
 * out dull yellow under his own white ones, and John Shimkus's donor, whose lips are darker and
 * bluer than his, showed its lower teeth and inner lower lip as an orange band (1.34 on red).
 */
function donorColours(donor: MouthDonor, source: { image: PlanarImage; mesh: Float32Array }): ColourMap {
  const [donorRing, sourceRing] = [donor, source].map((photo) => ringColour(photo));
  const donorLips = medianOklabAt(donor, OUTER_LIPS);
  const [donorTeeth, sourceTeeth] = [teethColour(donor, donorLips[0]), teethColour(source, medianOklabAt(source, OUTER_LIPS)[0])];
  const light = Math.min(2, Math.max(0.5, sourceRing[0] / Math.max(0.02, donorRing[0])));
  const cast = [sourceRing[1] - donorRing[1], sourceRing[2] - donorRing[2]];
  const teethMatched = donorTeeth && sourceTeeth;
  const teethLight = teethMatched ? Math.min(2, Math.max(0.5, sourceTeeth[0] / donorTeeth[0])) : light ** TEETH_FOLLOW.lightness;
  const teethCast = teethMatched
    ? [sourceTeeth[1] - donorTeeth[1], sourceTeeth[2] - donorTeeth[2]]
    : [TEETH_FOLLOW.a * cast[0], TEETH_FOLLOW.b * cast[1]];
  return (rgb) => {
    const [L, a, b] = oklabFromRgb(rgb);
    const teeth =
      smoothstep(Math.max(0, Math.min(1, (L - donorLips[0] - TEETH_ABOVE_LIPS) / TEETH_ABOVE_LIPS))) *
      (1 - smoothstep(Math.max(0, Math.min(1, (Math.hypot(a, b) - TEETH_CHROMA) / TEETH_CHROMA))));
    const lit = L * Math.exp((1 - teeth) * Math.log(light) + teeth * Math.log(teethLight));
    const shade = Math.min(1, lit / Math.max(0.02, sourceRing[0]));
    return rgbFromOklab([
      lit,
      a + (1 - teeth) * cast[0] * shade + teeth * teethCast[0],
      b + (1 - teeth) * cast[1] * shade + teeth * teethCast[1],
    ]);
  };
}

/** The Oklab median, channel by channel, of a photo at mesh points (each read bilinearly at the point). */
function medianOklabAt(photo: { image: PlanarImage; mesh: Float32Array }, points: readonly number[]): number[] {
  const colours = points.map((p) =>
    oklabFromRgb([0, 1, 2].map((c) => samplePlanar(photo.image, c, photo.mesh[p * 3] - 0.5, photo.mesh[p * 3 + 1] - 0.5))),
  );
  return [0, 1, 2].map((k) => median(colours.map((colour) => colour[k])));
}

/** The light around a photo's mouth: the Oklab median of its lips and the skin around them. */
const ringColour = (photo: { image: PlanarImage; mesh: Float32Array }) => medianOklabAt(photo, [...OUTER_LIPS, ...SKIN_AROUND_MOUTH]);

/**
 * The mean Oklab colour of the teeth a photo's opening shows, or null when it shows too few: of a
 * grid over its middle (a fifth in from each corner, a tenth in from each lip), the points lighter
 * than its lips by `2 × TEETH_ABOVE_LIPS` and under `1.5 × TEETH_CHROMA`, at least `TEETH_AT_LEAST`.
 */
function teethColour(photo: { image: PlanarImage; mesh: Float32Array }, lipsLightness: number): number[] | null {
  const { width, upper, lower, toCrop } = lipFrame((p) => [photo.mesh[p * 3], photo.mesh[p * 3 + 1]]);
  const found: number[][] = [];
  for (let i = 0; i <= 12; i += 1) {
    const u = (0.2 + (0.6 * i) / 12) * width;
    const [top, bottom] = [contourAt(upper, u), contourAt(lower, u)];
    if (bottom - top < 2) continue;
    for (let k = 1; k <= 9; k += 1) {
      const [x, y] = toCrop(u, top + (k / 10) * (bottom - top));
      const colour = oklabFromRgb([0, 1, 2].map((c) => samplePlanar(photo.image, c, x, y)));
      if (colour[0] > lipsLightness + 2 * TEETH_ABOVE_LIPS && Math.hypot(colour[1], colour[2]) < 1.5 * TEETH_CHROMA) found.push(colour);
    }
  }
  if (found.length < TEETH_AT_LEAST) return null;
  return [0, 1, 2].map((k) => found.reduce((sum, colour) => sum + colour[k], 0) / found.length);
}

/**
 * A photo's mouth opening in a frame along its inner lips (from corner 78 toward 308): at each share
 * of its width, where the opening starts and how tall it is; its pixels per pixel of the target's
 * mouth width are `scale`, and `colour` brings its colours to the target's light.
 */
function mouthFrame(photo: { image: PlanarImage; mesh: Float32Array }, colour: ColourMap) {
  const { mesh, image } = photo;
  const at = (p: number) => [mesh[p * 3], mesh[p * 3 + 1]] as const;
  const { width, upper, lower, toCrop } = lipFrame(at);
  const opening = (share: number) => {
    const top = contourAt(upper, share * width);
    return { top, shown: Math.max(0, contourAt(lower, share * width) - top) };
  };
  const atShare = (share: number, v: number) => toCrop(share * width, v);
  return {
    image,
    width,
    split: jawSplit(image, opening, atShare),
    colour,
    /** Set by the caller: this photo's mouth width over the target's. */
    scale: 1,
    opening,
    toCrop: atShare,
  };
}

/**
 * Where a photo's opening parts between the jaws, as a share of its height from the upper lip: its
 * darkest line across the middle of the mouth (the gap between the rows of teeth, or the shadow
 * the lower lip meets), from halfway down (an open mouth's dark middle, halved as before) to the
 * lower lip. What lies above it rides on the upper lip, what lies below on the lower. Always halved,
 * the teeth a smile shows, which are the upper ones down to the lower lip, left their lower half on
 * the lower lip: a thin white rim along it, under the dark of the opened mouth.
 */
function jawSplit(
  image: PlanarImage,
  opening: (share: number) => { top: number; shown: number },
  toCrop: (share: number, v: number) => readonly [number, number],
): number {
  let best = 1;
  let darkest = Infinity;
  for (let k = 0; k <= JAW_SPLIT_STEPS; k += 1) {
    const split = 0.5 + (k / JAW_SPLIT_STEPS) * 0.5;
    let sum = 0;
    for (let i = 0; i <= 8; i += 1) {
      const share = 0.3 + (i / 8) * 0.4;
      const { top, shown } = opening(share);
      const [x, y] = toCrop(share, top + split * shown);
      sum += luma([0, 1, 2].map((c) => samplePlanar(image, c, x, y)));
    }
    // Ties go to the lower line: an opening as bright all the way down is the upper teeth.
    if (sum <= darkest) [best, darkest] = [split, sum];
  }
  return best;
}

/** Lines tried between halfway down a photo's opening and its lower lip. */
const JAW_SPLIT_STEPS = 10;

type MeshPoint = (p: number) => readonly [number, number];

/**
 * The frame a mouth is painted and read in: from corner 78 toward 308, `u` across the mouth and `v`
 * down it, in pixels; the inner lip lines (upper and lower) as (u, v) points from left to right.
 */
function lipFrame(at: MeshPoint) {
  const [left, right] = [at(78), at(308)];
  const width = Math.max(1, Math.hypot(right[0] - left[0], right[1] - left[1]));
  const across = [(right[0] - left[0]) / width, (right[1] - left[1]) / width];
  const down = [-across[1], across[0]];
  const local = (x: number, y: number) =>
    [(x - left[0]) * across[0] + (y - left[1]) * across[1], (x - left[0]) * down[0] + (y - left[1]) * down[1]] as const;
  const upper = INNER_MOUTH.slice(0, 11).map((p) => local(...at(p)));
  const lower = [...INNER_MOUTH.slice(10), INNER_MOUTH[0]].map((p) => local(...at(p))).reverse();
  // From (u, v) back to the crop, where sampling puts pixel centres at integers.
  const toCrop = (u: number, v: number): readonly [number, number] => [
    left[0] + u * across[0] + v * down[0] - 0.5,
    left[1] + u * across[1] + v * down[1] - 0.5,
  ];
  return { width, local, upper, lower, toCrop };
}

/** The mean colour of `image` at the mesh points `points` (each read at the pixel it falls in). */
function meanColourAt(image: PlanarImage, at: MeshPoint, points: readonly number[]): number[] {
  const { size } = image;
  const plane = size * size;
  const sum = [0, 0, 0];
  for (const p of points) {
    const [x, y] = at(p);
    const j = Math.min(size - 1, Math.max(0, Math.floor(y))) * size + Math.min(size - 1, Math.max(0, Math.floor(x)));
    for (let c = 0; c < 3; c += 1) sum[c] += image.data[c * plane + j] / points.length;
  }
  return sum;
}

import type { Point } from '../../vision/affine.ts';
import { templatePoints } from '../../vision/face-templates.ts';
import { meshGroups } from '../geometry/face-mesh-groups.ts';

export const regionNames = ['skin', 'eyes', 'brows', 'nose', 'mouth', 'hair', 'background'] as const;
export type RegionName = (typeof regionNames)[number];

/** Soft masks in [0, 1] on the aligned template, one per region, size × size. */
export type RegionMasks = Record<RegionName, Float32Array>;

interface FaceOutline {
  readonly faceOval: Point[];
  readonly eyes: Point[][];
  readonly brows: Point[][];
  readonly nose: Point[];
  readonly mouth: Point[];
}

/**
 * Region masks for the default generator. The regions are fixed for a fitted pack (a linear
 * model needs one layout), so they come from landmarks averaged over the project's aligned faces,
 * or from the template's nominal layout when no face mesh is available. Hair and background come
 * from the averaged person mask minus the face, or from a head-shaped prior without one.
 */
export function buildRegionMasks(size: number, meanLandmarks: Float32Array | null, meanPersonMask: Float32Array | null): RegionMasks {
  const outline = meanLandmarks ? outlineFromMesh(meanLandmarks) : nominalOutline(size);
  const eyes = soft(size, outline.eyes, 1.7);
  const brows = soft(size, outline.brows, 1.35);
  const nose = soft(size, [outline.nose], 1.1);
  const mouth = soft(size, [outline.mouth], 1.3);
  const face = soft(size, [outline.faceOval], 1.0);
  const skin = new Float32Array(size * size);
  for (let i = 0; i < skin.length; i += 1) skin[i] = Math.max(0, face[i] - Math.max(eyes[i], brows[i], nose[i], mouth[i]));
  const person = personOrPrior(size, outline, meanPersonMask);
  return {
    skin,
    eyes,
    brows,
    nose,
    mouth,
    hair: swapRegion(size, outline, person, 'hair'),
    background: swapRegion(size, outline, person, 'background'),
  };
}

/** Hair or background alone, the same pixels `buildRegionMasks` gives: a swap needs one matte, not seven masks. */
export function buildSwapMask(
  size: number,
  meanLandmarks: Float32Array | null,
  meanPersonMask: Float32Array | null,
  kind: 'hair' | 'background',
): Float32Array {
  const outline = meanLandmarks ? outlineFromMesh(meanLandmarks) : nominalOutline(size);
  return swapRegion(size, outline, personOrPrior(size, outline, meanPersonMask), kind);
}

function soft(size: number, polygons: Point[][], grow: number): Float32Array {
  return blur(
    rasterize(
      size,
      polygons.map((p) => scaleAbout(hull(p), grow)),
    ),
    size,
    size / 48,
  );
}

/** The person mask, or a head-shaped prior without one. */
function personOrPrior(size: number, outline: FaceOutline, meanPersonMask: Float32Array | null): Float32Array {
  return meanPersonMask ?? blur(rasterize(size, [scaleAbout(hull(outline.faceOval), 1.45)]), size, (size / 48) * 3);
}

function swapRegion(size: number, outline: FaceOutline, person: Float32Array, kind: 'hair' | 'background'): Float32Array {
  const region = new Float32Array(size * size);
  if (kind === 'hair') {
    const head = soft(size, [outline.faceOval], 1.05);
    for (let i = 0; i < region.length; i += 1) region[i] = Math.max(0, person[i] - head[i]);
  } else {
    // The face itself is never background, whatever the averaged person mask says at its edges.
    const faceGuard = soft(size, [outline.faceOval], 1.15);
    for (let i = 0; i < region.length; i += 1) region[i] = Math.max(0, 1 - Math.max(person[i], faceGuard[i]));
  }
  return region;
}

function outlineFromMesh(points: Float32Array): FaceOutline {
  const pick = (indices: readonly number[]): Point[] => indices.map((i) => [points[i * 2], points[i * 2 + 1]] as const);
  return {
    faceOval: pick(meshGroups.faceOval),
    eyes: [pick(meshGroups.leftEye), pick(meshGroups.rightEye)],
    brows: [pick(meshGroups.leftBrow), pick(meshGroups.rightBrow)],
    nose: pick(meshGroups.nose),
    mouth: pick(meshGroups.lips),
  };
}

/**
 * The template's nominal regions, as ellipses placed from its five points in units of the eye
 * distance (FFHQ framing: forehead to chin, hair and background around). Used when faces carry no mesh.
 */
function nominalOutline(size: number): FaceOutline {
  const [eyeL, eyeR, nose, mouthL, mouthR] = templatePoints('generator', size);
  const e = Math.hypot(eyeR[0] - eyeL[0], eyeR[1] - eyeL[1]);
  const eyeY = (eyeL[1] + eyeR[1]) / 2;
  const midX = (eyeL[0] + eyeR[0]) / 2;
  const mouth: Point = [(mouthL[0] + mouthR[0]) / 2, (mouthL[1] + mouthR[1]) / 2];
  const ellipse = ([cx, cy]: Point, rx: number, ry: number): Point[] =>
    Array.from({ length: 32 }, (_, i) => {
      const a = (i / 32) * 2 * Math.PI;
      return [cx + rx * Math.cos(a), cy + ry * Math.sin(a)] as const;
    });
  return {
    faceOval: ellipse([midX, eyeY + 0.41 * e], 1.0 * e, 1.22 * e),
    eyes: [ellipse(eyeL, 0.22 * e, 0.1 * e), ellipse(eyeR, 0.22 * e, 0.1 * e)],
    brows: [ellipse([eyeL[0], eyeL[1] - 0.26 * e], 0.3 * e, 0.08 * e), ellipse([eyeR[0], eyeR[1] - 0.26 * e], 0.3 * e, 0.08 * e)],
    nose: ellipse([nose[0], (eyeY + nose[1]) / 2 + 0.05 * e], 0.22 * e, (nose[1] - eyeY) / 2 + 0.1 * e),
    mouth: ellipse(mouth, Math.hypot(mouthR[0] - mouthL[0], mouthR[1] - mouthL[1]) / 2 + 0.1 * e, 0.2 * e),
  };
}

function hull(points: readonly Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: Point, a: Point, b: Point): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Point[] = [];
  for (const p of sorted) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (const p of [...sorted].reverse()) {
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

function scaleAbout(polygon: Point[], factor: number): Point[] {
  const cx = polygon.reduce((s, p) => s + p[0], 0) / polygon.length;
  const cy = polygon.reduce((s, p) => s + p[1], 0) / polygon.length;
  return polygon.map(([x, y]) => [cx + (x - cx) * factor, cy + (y - cy) * factor] as const);
}

/**
 * 1 inside any polygon (pixel centres, even-odd rule), 0 outside. Scanline fill: each row's edge
 * crossings, sorted, bound the runs inside, so a mask costs rows × edges rather than pixels × edges
 * (the per-pixel test held the main thread for hundreds of milliseconds per face at 256 px).
 */
function rasterize(size: number, polygons: Point[][]): Float32Array {
  const mask = new Float32Array(size * size);
  const crossings: number[] = [];
  for (const polygon of polygons) {
    for (let y = 0; y < size; y += 1) {
      const centre = y + 0.5;
      crossings.length = 0;
      for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i, i += 1) {
        const [xi, yi] = polygon[i];
        const [xj, yj] = polygon[j];
        if (yi > centre !== yj > centre) crossings.push(((xj - xi) * (centre - yi)) / (yj - yi) + xi);
      }
      crossings.sort((a, b) => a - b);
      // A pixel centre x + 0.5 is inside when it lies in [c(2k), c(2k+1)): an odd number of crossings right of it.
      for (let k = 0; k + 1 < crossings.length; k += 2) {
        const from = Math.max(0, Math.ceil(crossings[k] - 0.5));
        const to = Math.min(size - 1, Math.ceil(crossings[k + 1] - 0.5) - 1);
        if (to >= from) mask.fill(1, y * size + from, y * size + to + 1);
      }
    }
  }
  return mask;
}

/** Separable Gaussian blur with clamped edges: turns hard region edges into the soft seams masks need. */
export function blur(mask: Float32Array, size: number, sigma: number): Float32Array {
  const radius = Math.max(1, Math.ceil(sigma * 3));
  const kernel = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const total = kernel.reduce((a, b) => a + b, 0);
  const k = kernel.map((v) => v / total);
  const pass = (src: Float32Array, horizontal: boolean): Float32Array => {
    const out = new Float32Array(src.length);
    for (let y = 0; y < size; y += 1) {
      for (let x = 0; x < size; x += 1) {
        let s = 0;
        for (let t = -radius; t <= radius; t += 1) {
          const xx = horizontal ? Math.min(size - 1, Math.max(0, x + t)) : x;
          const yy = horizontal ? y : Math.min(size - 1, Math.max(0, y + t));
          s += k[t + radius] * src[yy * size + xx];
        }
        out[y * size + x] = s;
      }
    }
    return out;
  };
  return pass(pass(mask, true), false);
}

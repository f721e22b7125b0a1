import type { Occluder } from '#api/synthesis.ts';
import { SeededRandom } from '../../core/seeded-random.ts';
import { meshGroups } from '../geometry/face-mesh-groups.ts';
import type { PlanarImage } from '../packs/image-tensor.ts';
import { boxBlur } from '../relight/face-surface.ts';
import type { PreparedFace } from '../relight/relight-face.ts';
import { AccessoryLight, type Rgb } from './accessory-light.ts';
import { add, cross, dot, HeadFrame, normalise, scale, sub, type Vec3 } from './head-frame.ts';
import { pathData, svgCoverage, type Point2 } from './svg-coverage.ts';

/** One accessory as a recipe records it. */
export interface OcclusionOp {
  readonly occluder: Occluder;
  /** 0‥1: picks the look (lens tint, mask colour, cap colour, hand placement). */
  readonly style: number;
  readonly side: 'left' | 'right';
  /** Opacity, 1: solid. */
  readonly strength: number;
}

export interface OccludedFace {
  readonly image: PlanarImage;
  /** Which pixels the accessory covers (0‥1), for masks and tests. */
  readonly coverage: Float32Array;
}

/**
 * Draws an accessory over a face crop: built as 3D shapes in the head's own frame (from its FaceMesh
 * points, so they follow its yaw, pitch and roll), projected into the crop, rasterised anti-aliased
 * by librsvg and shaded with the face's fitted SH light, with the shadows they cast on the face.
 * `face` is the relighting's preparation of the source (surface, light); `image` what is drawn on
 * (the source, or the source already relit).
 */
export async function renderOcclusion(face: PreparedFace, mesh: Float32Array, image: PlanarImage, op: OcclusionOp): Promise<OccludedFace> {
  const canvas = new Canvas(face, mesh, image, op);
  switch (op.occluder) {
    case 'sunglasses':
      await drawGlasses(canvas, true);
      break;
    case 'clear-glasses':
      await drawGlasses(canvas, false);
      break;
    case 'face-mask':
      await drawFaceMask(canvas);
      break;
    case 'cap':
      await drawCap(canvas);
      break;
    case 'hand':
      await drawHand(canvas);
      break;
  }
  return { image: { size: image.size, data: canvas.out }, coverage: canvas.coverage };
}

/** The crop being drawn on, with the face's frame, light and surface at hand. */
class Canvas {
  readonly size: number;
  readonly plane: number;
  readonly frame: HeadFrame;
  readonly light: AccessoryLight;
  readonly face: PreparedFace;
  readonly op: OcclusionOp;
  readonly out: Float32Array;
  readonly coverage: Float32Array;
  /** Softening of every edge in pixels: the crop's own softness at 256 px. */
  readonly blur: number;
  /** 1 or −1: the side (in the head's u) the accessory favours. */
  readonly side: number;
  readonly random: SeededRandom;

  constructor(face: PreparedFace, mesh: Float32Array, image: PlanarImage, op: OcclusionOp) {
    this.size = image.size;
    this.plane = this.size * this.size;
    this.face = face;
    this.frame = new HeadFrame(mesh);
    this.light = new AccessoryLight(face);
    this.op = op;
    this.out = Float32Array.from(image.data);
    this.coverage = new Float32Array(this.plane);
    this.blur = (0.6 * this.size) / 256;
    this.side = op.side === 'left' ? -1 : 1;
    this.random = new SeededRandom(Math.floor(op.style * 0xffffffff) >>> 0);
  }

  /** Pixels per IOD. */
  get s(): number {
    return this.frame.iod;
  }

  px(p: Vec3): Point2 {
    return [p[0], p[1]];
  }

  /** Head-frame point (u, v, w) → crop pixel. */
  at(u: number, v: number, w: number): Point2 {
    return this.px(this.frame.toCrop(u, v, w));
  }

  /** Head-frame direction → crop direction (unit). */
  direction(u: number, v: number, w: number): Vec3 {
    const f = this.frame;
    return normalise(add(add(scale(f.right, u), scale(f.down, v)), scale(f.toward, w)));
  }

  /** The pixel's (u, v) on the head's frame at depth w (where the viewing ray meets that plane). */
  local(x: number, y: number, w: number): [number, number] {
    const f = this.frame;
    const s = f.iod;
    const bx = x - f.origin[0] - s * w * f.toward[0];
    const by = y - f.origin[1] - s * w * f.toward[1];
    const a = s * f.right[0],
      b = s * f.down[0],
      c = s * f.right[1],
      d = s * f.down[1];
    const det = a * d - b * c;
    if (Math.abs(det) < 1e-9) return [0, 0];
    return [(d * bx - b * by) / det, (a * by - c * bx) / det];
  }

  /** Depth (crop z, smaller is nearer) of the face surface at a pixel, or +∞ off the mesh. */
  faceDepth(j: number): number {
    const h = this.face.surface.height[j];
    return Number.isNaN(h) ? Number.POSITIVE_INFINITY : -h;
  }

  /** Multiplies the photo by `factor` where `amount` says (cast shadows, contact shadows). */
  darken(amount: Float32Array, factor: number): void {
    for (let j = 0; j < this.plane; j += 1) {
      const a = amount[j];
      if (a <= 0) continue;
      const k = 1 - Math.min(1, a) * factor;
      for (let c = 0; c < 3; c += 1) this.out[c * this.plane + j] *= k;
    }
  }

  /**
   * Lays a material over the crop: `colour(j, under)` is what the accessory shows at pixel j (given
   * what is under it, for see-through lenses), `alpha` its coverage, scaled by the recipe's opacity.
   */
  paint(alpha: Float32Array, colour: (j: number, under: Rgb) => Rgb, visible?: (j: number) => boolean): void {
    const o = Math.min(1, Math.max(0, this.op.strength));
    const under: Rgb = [0, 0, 0];
    for (let j = 0; j < this.plane; j += 1) {
      const a = alpha[j] * o;
      if (a <= 1e-4 || (visible && !visible(j))) continue;
      for (let c = 0; c < 3; c += 1) under[c] = this.out[c * this.plane + j];
      const col = colour(j, under);
      for (let c = 0; c < 3; c += 1) {
        const v = under[c] * (1 - a) + Math.min(1, Math.max(0, col[c])) * a;
        this.out[c * this.plane + j] = v;
      }
      this.coverage[j] = Math.max(this.coverage[j], a);
    }
  }

  /** `colour` under the face's light with surface normal `n`, plus a fine grain as photos have. */
  lit(colour: Rgb, n: Vec3, gain = 1): Rgb {
    const shade = this.light.shading(n) * this.light.exposure * gain;
    const t = this.light.tone(colour);
    return [t[0] * shade, t[1] * shade, t[2] * shade];
  }

  /** Mirror-like highlight of the dominant lamp on a surface with normal `n`. */
  specular(n: Vec3, shininess: number): number {
    // The camera looks along +z; the mirror direction of the ray toward it.
    const v: Vec3 = [0, 0, -1];
    const r = sub(scale(n, 2 * dot(n, v)), v);
    return Math.max(0, dot(normalise(r), this.light.toLamp)) ** shininess * this.light.lampShare;
  }
}

/** Depth along a projected polyline (nearest segment), for z-testing thin parts such as temple arms. */
function polylineDepth(points: readonly Vec3[]): (x: number, y: number) => number {
  return (x, y) => {
    let best = Number.POSITIVE_INFINITY;
    let depth = points[0][2];
    for (let i = 0; i + 1 < points.length; i += 1) {
      const [ax, ay, az] = points[i];
      const [bx, by, bz] = points[i + 1];
      const dx = bx - ax,
        dy = by - ay;
      const t = Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / Math.max(1e-9, dx * dx + dy * dy)));
      const d = (ax + t * dx - x) ** 2 + (ay + t * dy - y) ** 2;
      if (d < best) {
        best = d;
        depth = az + t * (bz - az);
      }
    }
    return depth;
  };
}

// ---------------------------------------------------------------- glasses

async function drawGlasses(canvas: Canvas, sun: boolean): Promise<void> {
  const { frame, s, size } = canvas;
  const style = canvas.op.style;
  // Lenses stand in front of the eyes, clear of the nose bridge, wrapping back toward the temples.
  const wLens = frame.landmark(168)[2] + (sun ? 0.14 : 0.11);
  const wrap = sun ? 0.32 : 0.14;
  const halfW = sun ? 0.47 : 0.42;
  const halfH = sun ? 0.34 : 0.27;
  const cy = sun ? 0 : 0.02;
  const wAt = (u: number) => wLens - wrap * Math.max(0, Math.abs(u) - 0.25) ** 2;
  const lensOutline = (side: number): Vec3[] => {
    const pts: Vec3[] = [];
    const n = sun ? 3.2 : 2.6;
    for (let i = 0; i < 64; i += 1) {
      const t = (i / 64) * 2 * Math.PI;
      const c = Math.cos(t),
        sn = Math.sin(t);
      let x = halfW * Math.sign(c) * Math.abs(c) ** (2 / n);
      const y = halfH * Math.sign(sn) * Math.abs(sn) ** (2 / n);
      // The lower inner corner gives way to the nose; the outer top corner is the widest.
      if (x * side < 0 && y > 0) x *= 1 - 0.28 * (y / halfH);
      if (x * side > 0 && y < 0) x *= 1 + 0.05 * (-y / halfH);
      const u = side * 0.5 + x;
      pts.push(frame.toCrop(u, cy + y, wAt(u)));
    }
    return pts;
  };
  const lenses = [lensOutline(-1), lensOutline(1)];
  const frameWidth = (sun ? 0.05 : style > 0.66 ? 0.022 : 0.04) * s;
  const bridge: Vec3[] = [];
  for (let i = 0; i <= 8; i += 1) {
    const u = -0.1 + (0.2 * i) / 8;
    bridge.push(frame.toCrop(u, cy - halfH * 0.45 - 0.05 * (1 - (u / 0.1) ** 2), wLens + 0.02));
  }
  const arm = (side: number): Vec3[] => [
    frame.toCrop(side * (0.5 + halfW), cy - halfH * 0.55, wAt(0.5 + halfW)),
    frame.toCrop(side * (0.55 + halfW), cy - halfH * 0.5, wAt(0.5 + halfW) - 0.4),
    frame.toCrop(side * (0.6 + halfW), cy - halfH * 0.3, wLens - 1.5),
  ];
  const lensPaths = lenses.map((pts) =>
    pathData(
      pts.map((p) => canvas.px(p)),
      true,
    ),
  );
  const lensFill = await svgCoverage(size, lensPaths.map((d) => `<path d="${d}" fill="#fff"/>`).join(''), canvas.blur);
  const rims = await svgCoverage(
    size,
    [
      ...lensPaths,
      pathData(
        bridge.map((p) => canvas.px(p)),
        false,
      ),
    ]
      .map((d) => `<path d="${d}" fill="none" stroke="#fff" stroke-width="${frameWidth.toFixed(2)}" stroke-linejoin="round"/>`)
      .join(''),
    canvas.blur,
  );
  const edge = sun
    ? null
    : await svgCoverage(
        size,
        lensPaths.map((d) => `<path d="${d}" fill="none" stroke="#fff" stroke-width="${(0.07 * s).toFixed(2)}"/>`).join(''),
        canvas.blur * 2,
      );
  const arms = [arm(-1), arm(1)];
  const armCover = await Promise.all(
    arms.map((pts) =>
      svgCoverage(
        size,
        `<path d="${pathData(
          pts.map((p) => canvas.px(p)),
          false,
        )}" fill="none" stroke="#fff" stroke-width="${(0.045 * s).toFixed(2)}" stroke-linecap="round"/>`,
        canvas.blur,
      ),
    ),
  );
  const depthOfLens = (x: number, y: number): number => {
    const [u] = canvas.local(x, y, wLens);
    return frame.toCrop(u, 0, wAt(u))[2];
  };
  const visibleAt = (depth: (x: number, y: number) => number, margin: number) => (j: number) =>
    depth((j % size) + 0.5, Math.floor(j / size) + 0.5) < canvas.faceDepth(j) + margin * s;

  const lensNormal = (j: number): Vec3 => {
    const [u] = canvas.local((j % size) + 0.5, Math.floor(j / size) + 0.5, wLens);
    const slope = Math.abs(u) > 0.25 ? -2 * wrap * (Math.abs(u) - 0.25) * Math.sign(u) : 0;
    return canvas.direction(-slope, -0.08, 1);
  };
  const frameColours: Rgb[] = sun
    ? [
        [0.05, 0.05, 0.055],
        [0.16, 0.1, 0.06],
        [0.05, 0.05, 0.055],
      ]
    : [
        [0.06, 0.06, 0.065],
        [0.3, 0.17, 0.08],
        [0.62, 0.6, 0.58],
      ];
  const frameColour = frameColours[Math.min(2, Math.floor(style * 3))];
  const tints: Rgb[] = [
    [0.1, 0.12, 0.1],
    [0.16, 0.11, 0.07],
    [0.07, 0.07, 0.08],
  ];
  const tint = canvas.light.tone(tints[Math.min(2, Math.floor(style * 3))]);
  const lensVisible = visibleAt(depthOfLens, 0.15);

  // Far arm first, lenses over it, near arm over the head's side.
  const armNormal = canvas.direction(0, -1, 0.4);
  for (const k of [0, 1]) canvas.paint(armCover[k], () => canvas.lit(frameColour, armNormal), visibleAt(polylineDepth(arms[k]), 0.02));
  canvas.paint(
    lensFill,
    (j, under) => {
      const n = lensNormal(j);
      const [, v] = canvas.local((j % size) + 0.5, Math.floor(j / size) + 0.5, wLens);
      // Lenses mirror the bright sky above more than the ground below.
      const sky = Math.min(1, Math.max(0, (cy + halfH - v) / (2 * halfH))) ** 1.5;
      const e = canvas.light.exposure;
      const spec = canvas.specular(n, 80) * 1.1 + canvas.specular(n, 8) * 0.12;
      if (sun) {
        const through = 0.16;
        const reflect = e * (0.03 + 0.1 * sky);
        return [0, 1, 2].map((c) => under[c] * through * (tint[c] / 0.1) * 0.6 + tint[c] * e * 0.5 + reflect + spec) as Rgb;
      }
      const rim = edge ? edge[j] : 0;
      const reflect = e * 0.05 * sky;
      return [0, 1, 2].map((c) => under[c] * (0.94 - 0.12 * rim) * (c === 2 ? 1 : 0.985) + reflect + spec * 0.8) as Rgb;
    },
    lensVisible,
  );
  canvas.paint(
    rims,
    (j) => {
      const n = lensNormal(j);
      const metal = !sun && style > 0.66;
      return canvas.lit(frameColour, n).map((c) => c + canvas.specular(n, metal ? 30 : 60) * (metal ? 0.6 : 0.35)) as Rgb;
    },
    lensVisible,
  );
}

// ---------------------------------------------------------------- face mask

async function drawFaceMask(canvas: Canvas): Promise<void> {
  const { frame, s, size, plane } = canvas;
  const vTop = (u: number) => 0.3 + 0.17 * u * u;
  const U = 1.02;
  const oval = meshGroups.faceOval;
  const from = oval.indexOf(454);
  const to = oval.indexOf(234);
  const chain: Vec3[] = [];
  for (let i = from; i <= to; i += 1) {
    const [u, v, w] = frame.landmark(oval[i]);
    if (v < vTop(U) + 0.1) continue;
    // The mask stands off the jaw and wraps a little under the chin.
    chain.push(frame.toCrop(u * 1.05, v + 0.05 * Math.max(0, 1 - Math.abs(u)), w + 0.03));
  }
  const top: Vec3[] = [];
  for (let i = 0; i <= 32; i += 1) {
    const u = -U + (2 * U * i) / 32;
    top.push(frame.onSurface(u, vTop(u), 0.04));
  }
  const outline = [...top, ...chain];
  const outlinePath = pathData(
    outline.map((p) => canvas.px(p)),
    true,
  );
  const fill = await svgCoverage(size, `<path d="${outlinePath}" fill="#fff"/>`, canvas.blur);
  // Three pleats across, following the top edge's curve, each a fold: shadow under, light over.
  const pleat = (offset: number) => {
    const pts: Point2[] = [];
    for (let i = 0; i <= 32; i += 1) {
      const u = -1.15 + (2.3 * i) / 32;
      pts.push(canvas.px(frame.onSurface(u, vTop(u) * 0.8 + offset, 0.04)));
    }
    return pathData(pts, false);
  };
  const pleats = [0.5, 0.72, 0.94];
  const stroke = (d: string, width: number) => `<path d="${d}" fill="none" stroke="#fff" stroke-width="${(width * s).toFixed(2)}"/>`;
  const folds = await svgCoverage(size, pleats.map((o) => stroke(pleat(o), 0.05)).join(''), canvas.blur + 0.02 * s);
  const crests = await svgCoverage(size, pleats.map((o) => stroke(pleat(o - 0.05), 0.04)).join(''), canvas.blur + 0.02 * s);
  const hem = await svgCoverage(size, stroke(outlinePath, 0.09), canvas.blur);
  const wire = await svgCoverage(
    size,
    stroke(
      pathData(
        top.slice(11, 22).map((p) => canvas.px(p)),
        false,
      ),
      0.035,
    ),
    canvas.blur,
  );
  // Ear loops: from the mask's corners back over the cheeks to the ears.
  const loops: Vec3[][] = [];
  for (const side of [-1, 1]) {
    const corner = frame.onSurface(side * U, vTop(U), 0.03);
    const lower = chain.reduce(
      (best, p) => {
        const [u, v] = frame.toLocal(p);
        return u * side > 0 && Math.abs(v - 1.15) < Math.abs(frame.toLocal(best)[1] - 1.15) ? p : best;
      },
      chain[side > 0 ? 0 : chain.length - 1],
    );
    const ear = (v: number) => frame.onSurface(side * 1.3, v, 0.01);
    loops.push([corner, frame.onSurface(side * 1.18, 0.33, 0.02), ear(0.22)]);
    loops.push([lower, frame.onSurface(side * 1.22, 0.8, 0.02), ear(0.5)]);
  }
  const loopCover = await Promise.all(
    loops.map((pts) =>
      svgCoverage(
        size,
        stroke(
          pathData(
            pts.map((p) => canvas.px(p)),
            false,
          ),
          0.028,
        ),
        canvas.blur,
      ),
    ),
  );
  // The fabric spans the face's hollows: its normals are the face's, smoothed over a fifth of an IOD.
  const normals = smoothNormals(canvas, Math.max(2, Math.round(0.12 * s)));
  const colour: Rgb = canvas.op.style < 0.6 ? [0.55, 0.72, 0.84] : [0.88, 0.89, 0.9];
  const edgeShadow = await svgCoverage(
    size,
    stroke(
      pathData(
        top.map((p) => canvas.px(add(p, [0, -0.03 * s, 0]))),
        false,
      ),
      0.06,
    ),
    0.05 * s,
  );
  const outside = new Float32Array(plane);
  for (let j = 0; j < plane; j += 1) outside[j] = edgeShadow[j] * (1 - fill[j]);
  canvas.darken(outside, 0.25 * canvas.light.lampShare);
  for (const [k, cover] of loopCover.entries()) {
    const pts = loops[k];
    canvas.paint(
      cover,
      (j) => canvas.lit(colour.map((c) => c * 0.98) as Rgb, normals(j)),
      (j) => polylineDepth(pts)((j % size) + 0.5, Math.floor(j / size) + 0.5) < canvas.faceDepth(j) + 0.08 * s,
    );
  }
  canvas.paint(fill, (j) => {
    const fold = 1 - 0.3 * folds[j] * fill[j] + 0.1 * crests[j] + 0.05 * hem[j] - 0.08 * wire[j];
    const grain = 1 + 0.015 * (canvas.random.next() - 0.5);
    return canvas.lit(colour, normals(j), fold * grain);
  });
}

/** The face's normals box-blurred over `radius` pixels; off the mesh, the head's forward direction. */
function smoothNormals(canvas: Canvas, radius: number): (j: number) => Vec3 {
  const { plane, size } = canvas;
  const n = canvas.face.surface.normals;
  const forward = canvas.frame.toward;
  // View coordinates (y up, z toward the viewer) → crop coordinates (y down, z away).
  const channels = [0, 1, 2].map((k) => {
    const c = new Float32Array(plane);
    const fallback = k === 0 ? forward[0] : k === 1 ? -forward[1] : -forward[2];
    for (let j = 0; j < plane; j += 1) c[j] = canvas.face.surface.coverage[j] > 0 ? n[k * plane + j] : fallback;
    return boxBlur(boxBlur(c, size, radius), size, radius);
  });
  return (j) => normalise([channels[0][j], -channels[1][j], -channels[2][j]]);
}

// ---------------------------------------------------------------- cap

async function drawCap(canvas: Canvas): Promise<void> {
  const { frame, s, size, plane } = canvas;
  const style = canvas.op.style;
  const vb = frame.landmark(10)[1] + 0.3;
  const halfWidth = 1.15;
  const tilt = ((14 + 10 * ((style * 7) % 1)) * Math.PI) / 180;
  // The brim's back edge follows the forehead's curve, sampled once (the shadow test asks per pixel).
  const backSamples = Array.from({ length: 39 }, (_, i) => frame.surfaceW(-0.95 + (1.9 * i) / 38, vb) + 0.03);
  const wBack = (u: number) => {
    const t = ((Math.max(-0.95, Math.min(0.95, u)) + 0.95) / 1.9) * 38;
    const i = Math.min(37, Math.floor(t));
    return backSamples[i] + (t - i) * (backSamples[i + 1] - backSamples[i]);
  };
  const reach = (u: number) => 1.0 * Math.sqrt(Math.max(0, 1 - (u / halfWidth) ** 2)) + 0.04;
  const brimPoint = (u: number, d: number): Vec3 =>
    frame.toCrop(u, vb + d * Math.sin(tilt) + 0.1 * (u / halfWidth) ** 2 * (d / reach(u)), wBack(u) + d * Math.cos(tilt));
  const back: Vec3[] = [];
  const front: Vec3[] = [];
  for (let i = 0; i <= 40; i += 1) {
    const u = -halfWidth + (2 * halfWidth * i) / 40;
    back.push(brimPoint(u, 0));
    front.push(brimPoint(-u, reach(-u)));
  }
  const brimPath = pathData(
    [...back, ...front].map((p) => canvas.px(p)),
    true,
  );
  // The crown hugs the head: as wide as the face's outline at the temples, a little more for the hair.
  const temples = meshGroups.faceOval.map((p) => frame.landmark(p)).filter(([, v]) => Math.abs(v - vb) < 0.45);
  const crownHalf = Math.min(1.3, Math.max(1.0, ...temples.map(([u]) => Math.abs(u))) + 0.08);
  const crownTop: Vec3[] = [];
  for (let i = 0; i <= 40; i += 1) {
    const phi = (i / 40) * Math.PI;
    crownTop.push(frame.toCrop(crownHalf * Math.cos(phi), vb - 0.05 - 1.1 * Math.sin(phi) ** 0.8, wBack(0) - 0.6 * Math.sin(phi)));
  }
  const crownPath = pathData([...back.map((p) => canvas.px(p)), ...crownTop.map((p) => canvas.px(p))], true);
  const stroke = (d: string, width: number, extra = '') =>
    `<path d="${d}" fill="none" stroke="#fff" stroke-width="${(width * s).toFixed(2)}" ${extra}/>`;
  const brim = await svgCoverage(size, `<path d="${brimPath}" fill="#fff"/>`, canvas.blur);
  const crown = await svgCoverage(size, `<path d="${crownPath}" fill="#fff"/>`, canvas.blur);
  const stitchPts: Point2[] = [];
  for (let i = 2; i <= 38; i += 1) {
    const u = -halfWidth + (2 * halfWidth * i) / 40;
    stitchPts.push(canvas.px(brimPoint(u, reach(u) - 0.07)));
  }
  const stitches = await svgCoverage(
    size,
    stroke(pathData(stitchPts, false), 0.018, `stroke-dasharray="${(0.05 * s).toFixed(2)} ${(0.035 * s).toFixed(2)}"`),
    0,
  );
  const apex = canvas.at(0, vb - 1.12, wBack(0) - 0.6);
  const seams = await svgCoverage(
    size,
    [-0.55, 0, 0.55].map((u) => stroke(pathData([apex, canvas.px(brimPoint(u, 0))], false), 0.02)).join(''),
    canvas.blur,
  );

  // Brim plane: what the lamp's light crosses to reach the forehead.
  const du = sub(brimPoint(0.3, 0.3), brimPoint(-0.3, 0.3));
  const dd = sub(brimPoint(0, 0.6), brimPoint(0, 0));
  let up = normalise(cross(du, dd));
  if (dot(up, frame.down) > 0) up = scale(up, -1);
  const anchor = brimPoint(0, 0);
  const lamp = lampFromAbove(canvas.light.toLamp, frame.down);
  const shadow = new Float32Array(plane);
  const jitter = [
    [0, 0],
    [0.09, 0],
    [-0.09, 0],
    [0, 0.09],
    [0, -0.09],
  ];
  for (let j = 0; j < plane; j += 1) {
    if (canvas.face.surface.coverage[j] <= 0) continue;
    const p: Vec3 = [(j % size) + 0.5, Math.floor(j / size) + 0.5, canvas.faceDepth(j)];
    let blocked = 0;
    for (const [jx, jy] of jitter) {
      const l = normalise([lamp[0] + jx, lamp[1] + jy, lamp[2]]);
      const denom = dot(l, up);
      if (Math.abs(denom) < 1e-6) continue;
      const t = dot(sub(anchor, p), up) / denom;
      if (t <= 0) continue;
      const [u, , w] = frame.toLocal(add(p, scale(l, t)));
      const d = (w - wBack(u)) / Math.cos(tilt);
      if (Math.abs(u) <= halfWidth && d >= -0.05 && d <= reach(u)) blocked += 1;
    }
    const [, v] = frame.toLocal(p);
    // The brim also hides the sky from the skin just under it.
    const occlusion = 0.35 * Math.max(0, 1 - (v - vb) / 0.6);
    shadow[j] = Math.min(1, (blocked / jitter.length) * canvas.light.lampShare + occlusion);
  }
  canvas.darken(boxBlur(shadow, size, Math.max(1, Math.round(0.03 * s))), 0.6);

  const colours: Rgb[] = [
    [0.09, 0.12, 0.24],
    [0.5, 0.07, 0.07],
    [0.07, 0.07, 0.075],
    [0.62, 0.55, 0.42],
    [0.3, 0.32, 0.3],
  ];
  const colour = colours[Math.min(colours.length - 1, Math.floor(style * colours.length))];
  canvas.paint(crown, (j) => {
    const [u, v] = canvas.local((j % size) + 0.5, Math.floor(j / size) + 0.5, wBack(0) - 0.3);
    const nu = Math.max(-0.95, Math.min(0.95, u / (crownHalf + 0.05)));
    const nv = Math.max(-0.95, Math.min(0.95, (v - vb) / 1.15));
    const nw = Math.sqrt(Math.max(0.05, 1 - nu * nu - nv * nv));
    return canvas.lit(colour, canvas.direction(nu, nv, nw), 1 - 0.25 * seams[j]);
  });
  const topVisible = up[2] < 0;
  canvas.paint(brim, (j) => {
    const n = topVisible ? up : scale(up, -1);
    return canvas.lit(colour, n, (topVisible ? 1 : 0.55) * (1 + 0.25 * stitches[j]));
  });
}

/** The lamp's direction, raised to at least 25° above the head's horizon: caps are worn under a sky. */
function lampFromAbove(toLamp: Vec3, down: Vec3): Vec3 {
  const minUp = Math.sin((25 * Math.PI) / 180);
  const upward = -dot(toLamp, down);
  if (upward >= minUp) return toLamp;
  return normalise(add(toLamp, scale(down, -(minUp - upward) * 1.2)));
}

// ---------------------------------------------------------------- hand

async function drawHand(canvas: Canvas): Promise<void> {
  const { frame, s, size, plane, side } = canvas;
  const overMouth = canvas.op.style < 0.5;
  const wHand = frame.landmark(1)[2] + 0.06;
  // Back of the hand toward the camera, laid over the lower face from one side or up one cheek.
  const wrist: Point2 = overMouth ? [side * 1.55, 1.95] : [side * 1.35, 1.75];
  const along = normalise2(overMouth ? [-side * 0.8, -0.6] : [-side * 0.3, -1]);
  const across: Point2 = [-along[1], along[0]];
  const h = (a: number, b: number): Point2 =>
    canvas.at(wrist[0] + a * along[0] + b * across[0], wrist[1] + a * along[1] + b * across[1], wHand);
  const palm: Point2[] = [];
  for (let i = 0; i < 40; i += 1) {
    const t = (i / 40) * 2 * Math.PI;
    const c = Math.cos(t),
      sn = Math.sin(t);
    palm.push(h(0.78 + 0.72 * Math.sign(c) * Math.abs(c) ** 0.6, 0.6 * Math.sign(sn) * Math.abs(sn) ** 0.6 * (c > 0 ? 1 : 0.85)));
  }
  const fingers: { base: Point2; tip: Point2; radius: number }[] = [];
  const spec: [number, number, number, number][] = [
    [-0.4, 0.85, -0.05, 0.12],
    [-0.14, 1.05, -0.015, 0.132],
    [0.12, 1.0, 0.02, 0.128],
    [0.37, 0.88, 0.06, 0.115],
  ];
  for (const [b, length, splay, radius] of spec) {
    const a0 = 1.35;
    fingers.push({ base: h(a0, b * 1.0), tip: h(a0 + length, b + splay * length), radius });
  }
  const thumbSide = overMouth ? -1 : 1;
  fingers.push({ base: h(0.4, thumbSide * 0.48), tip: h(1.05, thumbSide * 0.78), radius: 0.15 });
  const px = (v: number) => (v * s).toFixed(2);
  const fingerLine = (f: (typeof fingers)[number]) =>
    `x1="${f.base[0].toFixed(2)}" y1="${f.base[1].toFixed(2)}" x2="${f.tip[0].toFixed(2)}" y2="${f.tip[1].toFixed(2)}"`;
  const shapes =
    `<path d="${pathData(palm, true)}" fill="#fff"/>` +
    fingers.map((f) => `<line ${fingerLine(f)} stroke="#fff" stroke-width="${px(2 * f.radius)}" stroke-linecap="round"/>`).join('');
  const cover = await svgCoverage(size, shapes, canvas.blur);
  // Roundness: each finger brightest along its axis, the back of the hand brightest in its middle.
  const defs = fingers
    .map((f, k) => {
      const dx = f.tip[0] - f.base[0],
        dy = f.tip[1] - f.base[1];
      const l = Math.hypot(dx, dy) || 1;
      const nx = (-dy / l) * f.radius * s,
        ny = (dx / l) * f.radius * s;
      const mx = (f.base[0] + f.tip[0]) / 2,
        my = (f.base[1] + f.tip[1]) / 2;
      return `<linearGradient id="g${k}" gradientUnits="userSpaceOnUse" x1="${(mx + nx).toFixed(2)}" y1="${(my + ny).toFixed(2)}" x2="${(mx - nx).toFixed(2)}" y2="${(my - ny).toFixed(2)}"><stop offset="0" stop-color="#555"/><stop offset="0.45" stop-color="#fff"/><stop offset="1" stop-color="#444"/></linearGradient>`;
    })
    .join('');
  const centre = h(0.8, 0);
  const form = await svgCoverage(
    size,
    `<path d="${pathData(palm, true)}" fill="url(#palm)"/>` +
      fingers
        .map((f, k) => `<line ${fingerLine(f)} stroke="url(#g${k})" stroke-width="${px(2 * f.radius)}" stroke-linecap="round"/>`)
        .join(''),
    0,
    defs +
      `<radialGradient id="palm" gradientUnits="userSpaceOnUse" cx="${centre[0].toFixed(2)}" cy="${centre[1].toFixed(2)}" r="${px(0.95)}"><stop offset="0" stop-color="#fff"/><stop offset="1" stop-color="#8a8a8a"/></radialGradient>`,
  );
  const nails = await svgCoverage(
    size,
    fingers
      .slice(0, 4)
      .map((f) => {
        const t = 1 - (0.11 * s) / Math.max(1, Math.hypot(f.tip[0] - f.base[0], f.tip[1] - f.base[1]));
        const x = f.base[0] + t * (f.tip[0] - f.base[0]);
        const y = f.base[1] + t * (f.tip[1] - f.base[1]);
        const angle = (Math.atan2(f.tip[1] - f.base[1], f.tip[0] - f.base[0]) * 180) / Math.PI;
        return `<ellipse cx="${x.toFixed(2)}" cy="${y.toFixed(2)}" rx="${px(0.1)}" ry="${px(f.radius * 0.62)}" transform="rotate(${angle.toFixed(1)} ${x.toFixed(2)} ${y.toFixed(2)})" fill="#fff"/>`;
      })
      .join(''),
    canvas.blur,
  );
  // Gaps between the fingers and their sides: thin dark creases inside the hand's outline.
  const creases = await svgCoverage(
    size,
    fingers
      .map((f) => {
        const dx = f.tip[0] - f.base[0],
          dy = f.tip[1] - f.base[1];
        const l = Math.hypot(dx, dy) || 1;
        const nx = (-dy / l) * f.radius * s * 0.92,
          ny = (dx / l) * f.radius * s * 0.92;
        return [1, -1]
          .map(
            (k) =>
              `<line x1="${(f.base[0] + k * nx).toFixed(2)}" y1="${(f.base[1] + k * ny).toFixed(2)}" x2="${(f.tip[0] + k * nx).toFixed(2)}" y2="${(f.tip[1] + k * ny).toFixed(2)}" stroke="#fff" stroke-width="${(0.9 * size) / 256}"/>`,
          )
          .join('');
      })
      .join(''),
    canvas.blur,
  );
  // The hand's shadow on the face, cast away from the lamp, and the dimming close to it.
  const lampShift = [-canvas.light.toLamp[0] * 0.15 * s, -canvas.light.toLamp[1] * 0.15 * s];
  const shifted = await svgCoverage(
    size,
    `<g transform="translate(${lampShift[0].toFixed(2)} ${lampShift[1].toFixed(2)})">${shapes}</g>`,
    0.1 * s,
  );
  const near = boxBlur(boxBlur(cover, size, Math.max(1, Math.round(0.2 * s))), size, Math.max(1, Math.round(0.2 * s)));
  const shade = new Float32Array(plane);
  for (let j = 0; j < plane; j += 1) shade[j] = (1 - cover[j]) * Math.min(1, 0.55 * shifted[j] * canvas.light.lampShare + 0.2 * near[j]);
  canvas.darken(shade, 1);

  const skin = canvas.light.skin;
  // A hand's back is a little less saturated (no make-up, less blood near the surface) and ruddier than the face's lit skin.
  const grey = (skin[0] + skin[1] + skin[2]) / 3;
  const handColour: Rgb = canvas.light.tone([0, 1, 2].map((c) => (0.8 * skin[c] + 0.2 * grey) * [1, 0.95, 0.93][c]) as Rgb);
  const normal = canvas.direction(0, -0.15, 1);
  const relative = canvas.light.shading(normal);
  canvas.paint(cover, (j) => {
    const grain = 1 + 0.03 * (canvas.random.next() - 0.5);
    const k = relative * (0.6 + 0.45 * form[j]) * (1 - 0.4 * creases[j]) * grain;
    const nail = nails[j] * 0.12;
    return [handColour[0] * k + nail, handColour[1] * k + nail * 0.9, handColour[2] * k + nail * 0.9];
  });
}

function normalise2(p: Point2): Point2 {
  const l = Math.hypot(p[0], p[1]) || 1;
  return [p[0] / l, p[1] / l];
}

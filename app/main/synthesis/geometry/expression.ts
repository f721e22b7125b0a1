import { MeshExpression } from '#api/synthesis.ts';
import type { PlanarImage } from '../packs/image-tensor.ts';
import type { GridSampler } from './grid-sampler.ts';
import { renderMeshWarp, type MeshFace, type MeshRendered } from './mesh-render.ts';

export const EXPRESSIONS = MeshExpression.options;
export type Expression = MeshExpression;

/**
 * Landmark indices of the 468-point mesh (MediaPipe's published topology) that expressions move.
 * Lids are listed as upper → lower pairs, so a closing lid meets the point under it.
 */
const LIDS: readonly (readonly [number, number])[] = [
  [246, 7],
  [161, 163],
  [160, 144],
  [159, 145],
  [158, 153],
  [157, 154],
  [173, 155],
  [466, 249],
  [388, 390],
  [387, 373],
  [386, 374],
  [385, 380],
  [384, 381],
  [398, 382],
];
const BROWS = [46, 53, 52, 65, 55, 70, 63, 105, 66, 107, 276, 283, 282, 295, 285, 300, 293, 334, 296, 336];
const UPPER_LIP = [78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291];
const LOWER_LIP = [95, 88, 178, 87, 14, 317, 402, 318, 324, 146, 91, 181, 84, 17, 314, 405, 321, 375];
const CHIN = [152, 148, 176, 149, 377, 400, 378, 199, 175, 200];
const MOUTH_CORNERS = [61, 291] as const;
/** The opening between the lips, in order around it (upper inner lip, then lower inner lip back). */
export const INNER_MOUTH = [78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87, 178, 88, 95];
const EYE_OUTER = [33, 263] as const;
const FOREHEAD = 10;
const CHIN_TIP = 152;

interface Control {
  readonly point: number;
  readonly dx: number;
  readonly dy: number;
}

/**
 * The mesh (468 × x, y, z in crop pixels) with one expression applied at `strength` (0‥1): a few
 * control points move by amounts in units of the eye distance along the face's own axes, and every
 * other point follows the controls near it (Gaussian falloff), so the skin around moves with them.
 */
export function expressionMesh(mesh: Float32Array, expression: Expression, strength = 1): Float32Array {
  const at = (p: number) => [mesh[p * 3], mesh[p * 3 + 1]] as const;
  const [l, r] = [at(EYE_OUTER[0]), at(EYE_OUTER[1])];
  const eyes = Math.hypot(r[0] - l[0], r[1] - l[1]);
  const right = [(r[0] - l[0]) / eyes, (r[1] - l[1]) / eyes];
  const [top, bottom] = [at(FOREHEAD), at(CHIN_TIP)];
  const length = Math.hypot(top[0] - bottom[0], top[1] - bottom[1]);
  const up = [(top[0] - bottom[0]) / length, (top[1] - bottom[1]) / length];
  const move = (point: number, along: number, upward: number): Control => ({
    point,
    dx: strength * eyes * (along * right[0] + upward * up[0]),
    dy: strength * eyes * (along * right[1] + upward * up[1]),
  });
  const still = (point: number): Control => ({ point, dx: 0, dy: 0 });
  let controls: Control[];
  let radius: number;
  if (expression === 'smile') {
    controls = [move(MOUTH_CORNERS[0], -0.08, 0.07), move(MOUTH_CORNERS[1], 0.08, 0.07), ...CHIN.map(still), ...BROWS.map(still)];
    radius = 0.18;
  } else if (expression === 'open-mouth') {
    controls = [...LOWER_LIP.map((p) => move(p, 0, -0.2)), ...CHIN.map((p) => move(p, 0, -0.22)), ...UPPER_LIP.map(still)];
    radius = 0.2;
  } else if (expression === 'closed-eyes') {
    controls = LIDS.flatMap(([upper, lower]) => {
      const [ux, uy] = at(upper);
      const [lx, ly] = at(lower);
      // Lids close a little past the lower lid's line, as a closed eye's upper lid covers the lower one.
      return [{ point: upper, dx: strength * (lx - ux), dy: strength * (ly - uy) - strength * 0.01 * eyes * up[1] }, still(lower)];
    });
    radius = 0.05;
  } else {
    controls = BROWS.map((p) => move(p, 0, 0.1));
    radius = 0.22;
  }
  const sigma2 = 2 * (radius * eyes) ** 2;
  const out = Float32Array.from(mesh);
  for (let p = 0; p < mesh.length / 3; p += 1) {
    let total = 0;
    let strongest = 0;
    let dx = 0;
    let dy = 0;
    for (const c of controls) {
      const w = Math.exp(-((mesh[p * 3] - mesh[c.point * 3]) ** 2 + (mesh[p * 3 + 1] - mesh[c.point * 3 + 1]) ** 2) / sigma2);
      total += w;
      strongest = Math.max(strongest, w);
      dx += w * c.dx;
      dy += w * c.dy;
    }
    if (total <= 0) continue;
    // The blend of nearby controls, fading out with distance from the nearest one.
    out[p * 3] += (dx / total) * strongest;
    out[p * 3 + 1] += (dy / total) * strongest;
  }
  for (const c of controls) {
    out[c.point * 3] = mesh[c.point * 3] + c.dx;
    out[c.point * 3 + 1] = mesh[c.point * 3 + 1] + c.dy;
  }
  return out;
}

/**
 * The face re-rendered with the expression; an opened mouth has nothing of the photo behind it, so
 * its opening is shaded (darkest in the middle, toward the lips' own colour).
 */
export async function renderExpression(face: MeshFace, expression: Expression, sampler: GridSampler, strength = 1): Promise<MeshRendered> {
  const target = expressionMesh(face.mesh, expression, strength);
  const rendered = await renderMeshWarp(face, target, sampler);
  if (expression !== 'open-mouth') return rendered;
  return { ...rendered, image: fillMouth(rendered.image, target) };
}

function fillMouth(image: PlanarImage, mesh: Float32Array): PlanarImage {
  const { size } = image;
  const plane = size * size;
  const polygon = INNER_MOUTH.map((p) => [mesh[p * 3], mesh[p * 3 + 1]] as const);
  const xs = polygon.map((p) => p[0]);
  const ys = polygon.map((p) => p[1]);
  const [x0, x1] = [Math.max(0, Math.floor(Math.min(...xs))), Math.min(size - 1, Math.ceil(Math.max(...xs)))];
  const [y0, y1] = [Math.max(0, Math.floor(Math.min(...ys))), Math.min(size - 1, Math.ceil(Math.max(...ys)))];
  const lip = [0, 0, 0];
  for (const p of [13, 14, 82, 312, 87, 317]) {
    const j = Math.min(plane - 1, Math.max(0, Math.floor(mesh[p * 3 + 1]) * size + Math.floor(mesh[p * 3])));
    for (let c = 0; c < 3; c += 1) lip[c] += image.data[c * plane + j] / 6;
  }
  const cx = xs.reduce((s, v) => s + v, 0) / xs.length;
  const cy = ys.reduce((s, v) => s + v, 0) / ys.length;
  const halfWidth = Math.max(1, (x1 - x0) / 2);
  const halfHeight = Math.max(1, (y1 - y0) / 2);
  const data = Float32Array.from(image.data);
  for (let y = y0; y <= y1; y += 1) {
    for (let x = x0; x <= x1; x += 1) {
      if (!insidePolygon(polygon, x + 0.5, y + 0.5)) continue;
      const d = Math.min(1, Math.hypot((x + 0.5 - cx) / halfWidth, (y + 0.5 - cy) / halfHeight));
      // The warp stretched whatever the photo showed between the lips (teeth, a dark gap) over the
      // opening; it stays, shaded toward the back of the mouth, and drawn toward the lips' colour.
      const shade = 0.3 + 0.5 * d * d;
      for (let c = 0; c < 3; c += 1) {
        const j = c * plane + y * size + x;
        data[j] = shade * (0.5 * data[j] + 0.5 * lip[c] * 0.5);
      }
    }
  }
  return { size, data };
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

import { MeshExpression } from '#api/synthesis.ts';
import type { GridSampler } from './grid-sampler.ts';
import { EYES, paintClosedLids } from './closed-lids.ts';
import { LEAST_OPENING, lipGap, OPEN_MOUTH_LIP_GAP, paintMouthCavity, WIDE_OPEN_LIP_GAP, type MouthDonor } from './mouth-cavity.ts';
import { renderMeshWarp, type MeshFace, type MeshRendered } from './mesh-render.ts';
import { smoothstep } from './smoothstep.ts';
import { meshGroups } from './face-mesh-groups.ts';

export const EXPRESSIONS = MeshExpression.options;
export type Expression = MeshExpression;
/** Kept here for the specs that test shapes against the mesh. */
export { insidePolygon } from './mouth-cavity.ts';

/** Landmark indices of the 468-point mesh (MediaPipe's published topology) that expressions move or hold. */
const UPPER_LIDS = EYES.flatMap((eye) => eye.lids.map(([upper]) => upper));
const LOWER_LIDS = EYES.flatMap((eye) => eye.lids.map(([, lower]) => lower));
const EYE_CORNERS = EYES.flatMap((eye) => [eye.outer, eye.inner]);
const BROWS = [...meshGroups.rightBrow, ...meshGroups.leftBrow];
/** Every ring of the upper lip (inner, the two between, outer) with the mouth's corners. */
const UPPER_LIP = [
  78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 62, 183, 42, 41, 38, 12, 268, 271, 272, 407, 292, 76, 184, 74, 73, 72, 11, 302, 303,
  304, 408, 306, 61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291,
];
/**
 * Every ring of the lower lip. Its two middle rings (15, 16 and beside them) were once left to
 * follow the inner and outer rings by the falloff, which the still upper lip held back: they lagged
 * the rings around them, the lip folded over itself and its lower edge came out hard and stepped.
 */
const LOWER_LIP = [
  95, 88, 178, 87, 14, 317, 402, 318, 324, 96, 89, 179, 86, 15, 316, 403, 319, 325, 77, 90, 180, 85, 16, 315, 404, 320, 307, 146, 91, 181,
  84, 17, 314, 405, 321, 375,
];
const CHIN = [152, 148, 176, 149, 377, 400, 378, 199, 175, 200];
export const MOUTH_CORNERS = [61, 291] as const;
/** The cheeks' apples, left then right: a smile lifts them. */
const CHEEKS = [
  [50, 101, 118],
  [280, 330, 347],
] as const;
const NOSE = [6, 197, 195, 5, 4, 1];
const EYE_OUTER = [33, 263] as const;
const FOREHEAD = 10;
const CHIN_TIP = 152;

interface Control {
  readonly point: number;
  readonly dx: number;
  readonly dy: number;
  /** Pulls only on the skin on its own side of the mouth, above it (-1) or below it (1); see `mouthSide`. */
  readonly side?: -1 | 1;
}

/**
 * The mesh (468 × x, y, z in crop pixels) with one expression applied at `strength` (0‥1): a few
 * control points move by amounts in units of the eye distance along the face's own axes, and every
 * other point follows the controls near it (Gaussian falloff), so the skin around moves with them.
 * An opened mouth's lips end `openTo` eye distances apart (`lipGap`) at full strength, whatever
 * gap the source had; one already nearly as open parts `LEAST_OPENING` further, up to `WIDE_OPEN_LIP_GAP`.
 */
export function expressionMesh(mesh: Float32Array, expression: Expression, strength = 1, openTo = OPEN_MOUTH_LIP_GAP): Float32Array {
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
  let sides: Float32Array | null = null;
  // Magnitudes are held to what real photos of one person show between expressions (ORL, 28 people,
  // pose removed; see the closing note of issue 12): mouth width +0.10 median, +0.17 at the 90th
  // percentile; corner lift 0.05 (p90); brows 0.07 (p90), 0.08 at most; lip gap 0.15 (p90), 0.21 at most.
  if (expression === 'smile') {
    controls = [
      move(MOUTH_CORNERS[0], -0.08, 0.07),
      move(MOUTH_CORNERS[1], 0.08, 0.07),
      // A smile lifts the cheeks and with them the lower lids (the eyes narrow).
      ...CHEEKS[0].map((p) => move(p, -0.03, 0.045)),
      ...CHEEKS[1].map((p) => move(p, 0.03, 0.045)),
      ...LOWER_LIDS.map((p) => move(p, 0, 0.015)),
      ...[...CHIN, ...BROWS, ...UPPER_LIDS, ...EYE_CORNERS].map(still),
    ];
    radius = 0.18;
  } else if (expression === 'open-mouth') {
    // The lower lip drops most in the middle and not at all at the corners, so the opening is a
    // lens between the lips; dropped evenly, it was a box with upright sides.
    const [a, b] = [at(MOUTH_CORNERS[0]), at(MOUTH_CORNERS[1])];
    const centre = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    const half = Math.max(1, Math.hypot(b[0] - a[0], b[1] - a[1]) / 2);
    const drop = (p: number) => {
      const side = Math.min(1, Math.abs((at(p)[0] - centre[0]) * right[0] + (at(p)[1] - centre[1]) * right[1]) / half);
      return Math.sqrt(1 - side * side);
    };
    // A fixed drop of 0.2 on top of the source's own gap made openings far taller than the same
    // people's real open mouths (0.10–0.21): the drop is what takes the lips to `openTo` apart.
    const lower = lowerLipDrop(mesh, up, eyes, Math.max(openTo, Math.min(lipGap(mesh) + LEAST_OPENING, WIDE_OPEN_LIP_GAP)));
    controls = [
      ...LOWER_LIP.map((p) => ({ ...move(p, 0, -lower * drop(p)), side: 1 as const })),
      ...CHIN.map((p) => ({ ...move(p, 0, -1.1 * lower), side: 1 as const })),
      ...UPPER_LIP.map((p) => ({ ...still(p), side: -1 as const })),
    ];
    radius = 0.2;
    sides = mouthSide(mesh, right, eyes);
  } else if (expression === 'closed-eyes') {
    controls = EYES.flatMap((eye) =>
      eye.lids.flatMap(([upper, lower]) => {
        const [ux, uy] = at(upper);
        const [lx, ly] = at(lower);
        // Lids close a little past the lower lid's line, as a closed eye's upper lid covers the lower one.
        return [{ point: upper, dx: strength * (lx - ux), dy: strength * (ly - uy) - strength * 0.01 * eyes * up[1] }, still(lower)];
      }),
    );
    radius = 0.05;
  } else {
    // The brows rise over eyes that stay where they are (only their upper lids follow a little):
    // moved alone, the brows dragged the eyes and cheeks up with them and the face barely changed.
    controls = [
      ...BROWS.map((p) => move(p, 0, 0.08)),
      ...UPPER_LIDS.map((p) => move(p, 0, 0.012)),
      ...[...LOWER_LIDS, ...EYE_CORNERS, ...NOSE].map(still),
    ];
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
      const held = c.side && sides ? 1 - Math.max(0, -c.side * sides[p]) : 1;
      const w = held * Math.exp(-((mesh[p * 3] - mesh[c.point * 3]) ** 2 + (mesh[p * 3 + 1] - mesh[c.point * 3 + 1]) ** 2) / sigma2);
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
 * How far (eye distances, down the face) the lower inner lip's middle must drop for the lips to be
 * `openTo` eye distances apart (`lipGap`): 0 when they already are.
 */
function lowerLipDrop(mesh: Float32Array, up: readonly number[], eyes: number, openTo: number): number {
  if (lipGap(mesh) >= openTo) return 0;
  // The gap vector from upper (13) to lower (14) lip, in eye distances; solve |v + d·down| = openTo for d ≥ 0.
  const v = [(mesh[14 * 3] - mesh[13 * 3]) / eyes, (mesh[14 * 3 + 1] - mesh[13 * 3 + 1]) / eyes];
  const along = -(v[0] * up[0] + v[1] * up[1]);
  return -along + Math.sqrt(along * along - (v[0] ** 2 + v[1] ** 2 - openTo ** 2));
}

/** The lower inner lip from corner to corner, the line the jaw parts from. */
const MOUTH_LINE = [78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308];

/**
 * Per mesh point, which side of the mouth it lies on: 1 from 0.05 eye distances under the lower
 * inner lip's line (the jaw's side), -1 as far over it, fading to 0 across the line and past the
 * mouth's corners. An opened mouth's skin under the line moves with the lower lip and the chin
 * only, and over it stays with the upper lip: where the still upper lip also pulled on the skin
 * under the lower lip, that skin dropped less than the lip above it and the chin below, and the
 * lip's lower edge folded under it (a hard, stepped edge); the lower lip pulled the skin over the
 * corners down across the upper lip's.
 */
function mouthSide(mesh: Float32Array, right: readonly number[], eyes: number): Float32Array {
  const local = (p: number) =>
    [mesh[p * 3] * right[0] + mesh[p * 3 + 1] * right[1], mesh[p * 3 + 1] * right[0] - mesh[p * 3] * right[1]] as const;
  const line = MOUTH_LINE.map(local).sort((a, b) => a[0] - b[0]);
  const [first, last] = [line[0], line[line.length - 1]];
  const lineAt = (u: number) => {
    if (u <= first[0]) return first[1];
    if (u >= last[0]) return last[1];
    const k = line.findIndex(([x]) => x >= u);
    const [[u0, v0], [u1, v1]] = [line[k - 1], line[k]];
    return v0 + ((v1 - v0) * (u - u0)) / Math.max(1e-6, u1 - u0);
  };
  const out = new Float32Array(mesh.length / 3);
  for (let p = 0; p < out.length; p += 1) {
    const [u, v] = local(p);
    const under = Math.min(1, Math.max(-1, (v - lineAt(u)) / (0.05 * eyes)));
    const past = Math.max(first[0] - u, u - last[0], 0) / (0.2 * eyes);
    out[p] = Math.sign(under) * smoothstep(Math.abs(under)) * (1 - smoothstep(Math.min(1, past)));
  }
  return out;
}

/**
 * The face re-rendered with the expression. What the photo never showed is painted: closed lids
 * are skin in the tone of the skin around the eye with a lash line, an opened mouth the inside of `mouthDonor`'s (the
 * same person's photo with an open mouth, see `pickMouthDonor`) or else a shaded cavity. The
 * opening is as tall as the donor's, or else `typicalGap` (the project's, see `typicalOpenMouthGap`).
 */
export async function renderExpression(
  face: MeshFace,
  expression: Expression,
  sampler: GridSampler,
  strength = 1,
  mouthDonor: MouthDonor | null = null,
  typicalGap = OPEN_MOUTH_LIP_GAP,
): Promise<MeshRendered> {
  const target = expressionMesh(face.mesh, expression, strength, mouthDonor ? lipGap(mouthDonor.mesh) : typicalGap);
  const rendered = await renderMeshWarp(face, target, sampler);
  if (expression === 'closed-eyes') return { ...rendered, image: paintClosedLids(rendered.image, target, face) };
  if (expression === 'open-mouth') return { ...rendered, image: paintMouthCavity(rendered.image, target, face, mouthDonor) };
  return rendered;
}

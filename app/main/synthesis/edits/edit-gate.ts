import type { Recipe } from './edit-recipe.ts';
import type { FaceSource } from '../sources/face-source.ts';
import type { PlanarImage } from '../packs/image-tensor.ts';
import { multibandBlend } from './multiband-blend.ts';
import { buildSwapMask } from './region-masks.ts';
import { poseRefusal, scaledTurn, turnMesh, type HeadRotation } from '../geometry/head-rotation.ts';
import { mirroredFillShare, POSE_CROP_SIZE } from '../geometry/mesh-render.ts';

/** Why a planned variant was not produced; counted per job and shown in its summary. */
export const skipReasons = {
  'source-padding': 'the source crop is mostly padding, not photo',
  'no-matte': 'hair/background swap without a person matte on both faces',
  'region-padding': 'the swapped region is padding on the source or the donor',
  'realism-clipped': 'the result clips to black or white where the photo does not',
  'profile-source': 'the face already faces sideways (mesh yaw beyond 45°): it is not turned further',
  'hidden-side': 'the turn would show the side of the face the photo hides, filled from its mirrored half',
  'no-mesh': 'the face has no 3D face mesh to re-render',
  'no-visible-change': 'no visible change: the variant is a near-duplicate of its source',
} as const;
export type SkipReason = keyof typeof skipReasons;

export interface Skip {
  readonly reason: SkipReason;
  readonly detail: string;
}

/** A source crop must be at least this share real photo for any variant to be made of it. */
export const MIN_SOURCE_VALID_SHARE = 0.5;
/** A swapped region (hair, background) must be at least this share real photo on both sides. */
export const MIN_REGION_VALID_SHARE = 0.8;
/**
 * More than this share of real pixels newly clipped to 0 or 1 is not a realistic photo. Set from
 * what refusal does to recognition, not by eye (bench/results/realism-clipping.json, augment.json):
 * on Yale no relight variant clips even 1 %; on johns the variants a 3 % limit refused (31 %, mostly
 * near-frontal and low lamps on bright skin and pale walls) moved as close to the person's other
 * photos as those it kept (gain −0.038 against −0.048) and left rank-1 unchanged. So only the
 * blown-out tail is refused: 5 % of johns relights, still no worse by gain than the rest.
 */
export const MAX_NEWLY_CLIPPED_SHARE = 0.2;

/**
 * A change of light whose mean absolute change over the photo's real pixels is below this (0‥1)
 * teaches a recognizer nothing its source does not: it is skipped, not kept as a near-duplicate.
 * On the johns default job (--variants 4 --seed 0) physical relights change 11.4–85.1 levels of 255
 * (median 44.8); the linear relight's weakest draws change under 1.
 */
export const MIN_VISIBLE_LIGHT_CHANGE = 9.5 / 255;
/**
 * The same for a hair or background swap, over its matte: a swap acts on a region, which may be a
 * tenth of the crop. On johns the default generator's hair swaps change 3.9–39.9 levels inside the
 * matte (median 14.2; by eye, no visible change), while the real donor-minus-source difference
 * there is 54–85: a swap that moves the region less than this is a tint, not a new look.
 */
export const MIN_VISIBLE_SWAP_CHANGE = 40 / 255;

/**
 * A head turn that would fill more than this share of the turned face from its mirrored half
 * (`mirroredFillShare`) is refused: it turns a face toward the side the photo hides, and what comes
 * into view is the other half mirrored and stretched. Chosen on contact sheets of the preset turns of
 * the wild draw's 120 sources (eval-augment-wild, seed 12): above 6.5 % nearly every turn showed a
 * swollen, soft half-face with doubled features or a large far ear (a source 15–35° one way turned
 * 15–30° the other); from 5 to 6.5 % the 30° turns did too, the 15° ones mostly held; below 5 % the
 * turns looked like a frontal source's turned as far (which fill 0–3.5 %). The pitch presets fill at
 * most 1.5 %.
 */
export const MAX_MIRRORED_FILL = 0.05;

/** The edit kinds judged by their mean change: light over the photo, hair and background swaps over their matte. */
const GUARDED_KINDS: ReadonlySet<string> = new Set(['relight', 'hair', 'background']);

export type SwapKind = 'hair' | 'background';

/**
 * Only realistic edits: a source that is mostly padding gives no variants; a hair or background
 * swap needs each face's own matte (person mask minus face, from its mesh) with real pixels under
 * it on both sides, and is blended into the source along that matte (multiband, so no seam); a
 * result that clips where the photo did not is dropped. Every refusal is a `Skip` with its reason.
 */
export class EditGate {
  readonly #faces: FaceSource;
  readonly #size: number;
  readonly #validShares = new Map<number, number>();
  readonly #mattes = new Map<string, Float32Array | null>();
  readonly #turns = new Map<string, Skip | null>();

  constructor(faces: FaceSource, size: number) {
    this.#faces = faces;
    this.#size = size;
  }

  async check(recipe: Recipe): Promise<Skip | null> {
    const share = await this.#validShare(recipe.sourceFaceId);
    if (share < MIN_SOURCE_VALID_SHARE) {
      return {
        reason: 'source-padding',
        detail: `${Math.round(share * 100)}% of the crop is photo (needs ${MIN_SOURCE_VALID_SHARE * 100}%)`,
      };
    }
    if (recipe.ops.some((op) => op.type === 'pose')) return this.#poseRefusal(recipe);
    const swap = swapOf(recipe);
    if (!swap) return null;
    return (
      (await this.#regionRefusal('source', recipe.sourceFaceId, swap.kind)) ?? this.#regionRefusal('donor', swap.donorFaceId, swap.kind)
    );
  }

  /**
   * Why a source can never take a `kind` swap, whatever the donor: it has no matte, or its own
   * region is mostly padding (a tight chip shows little background). Such a swap is left out of
   * the source's plan rather than planned and refused variant after variant.
   */
  async swapRefusal(sourceFaceId: number, kind: SwapKind): Promise<Skip | null> {
    return this.#regionRefusal('source', sourceFaceId, kind);
  }

  async #regionRefusal(role: 'source' | 'donor', faceId: number, kind: SwapKind): Promise<Skip | null> {
    const matte = await this.#matte(faceId, kind);
    if (!matte) return { reason: 'no-matte', detail: `the ${role} face ${faceId} has no person mask or face mesh` };
    const valid = await this.#faces.validityMask(faceId, this.#size);
    const real = weightedShare(matte, valid);
    if (real < MIN_REGION_VALID_SHARE) {
      return { reason: 'region-padding', detail: `${Math.round(real * 100)}% of the ${role}'s ${kind} region is photo` };
    }
    return null;
  }

  /** A swap's result blended into the source along the source's own matte; other edits unchanged. */
  async composite(recipe: Recipe, source: PlanarImage, edited: PlanarImage): Promise<PlanarImage> {
    const swap = swapOf(recipe);
    if (!swap || source.size !== this.#size) return edited;
    const matte = await this.#matte(recipe.sourceFaceId, swap.kind);
    if (!matte) return edited;
    return multibandBlend(source, edited, matte);
  }

  /** The realism check on a finished variant, over the source's real pixels. */
  realism(source: PlanarImage, variant: PlanarImage, valid: Float32Array): Skip | null {
    const share = newlyClippedShare(source, variant, valid);
    return share > MAX_NEWLY_CLIPPED_SHARE
      ? { reason: 'realism-clipped', detail: `${(share * 100).toFixed(1)}% of the photo's pixels clip` }
      : null;
  }

  /**
   * The near-duplicate check on a finished variant of a light edit or a swap, over the pixels it
   * acts on: a swap's matte, or the whole photo for a change of light. Mesh edits pass.
   */
  async visibleChange(recipe: Recipe, source: PlanarImage, variant: PlanarImage, valid: Float32Array): Promise<Skip | null> {
    if (!GUARDED_KINDS.has(recipe.editKind)) return null;
    const swap = swapOf(recipe);
    const matte = swap && source.size === this.#size ? await this.#matte(recipe.sourceFaceId, swap.kind) : null;
    const change = meanChange(source, variant, matte ? valid.map((v, i) => v * matte[i]) : valid);
    const [where, needs] = matte ? [`its ${swap!.kind}`, MIN_VISIBLE_SWAP_CHANGE] : ['the photo', MIN_VISIBLE_LIGHT_CHANGE];
    return change < needs
      ? {
          reason: 'no-visible-change',
          detail: `${recipe.editKind}: mean change ${(change * 255).toFixed(1)}/255 over ${where} (needs ${(needs * 255).toFixed(1)})`,
        }
      : null;
  }

  /**
   * `turnRefusal` on the source's mesh at the size pose variants render at, for each of `turns` (each
   * the rotations of one recipe, in order). Remembered per face and turn: a job asks for every preset
   * of a source when it plans it (about 7 ms each) and then again for each variant it checks.
   */
  async turnRefusals(faceId: number, turns: readonly (readonly HeadRotation[])[]): Promise<(Skip | null)[]> {
    const keys = turns.map((rotations) => `${faceId}/${JSON.stringify(rotations)}`);
    if (keys.some((key) => !this.#turns.has(key))) {
      const mesh = await this.#faces.templateMesh(faceId, POSE_CROP_SIZE);
      turns.forEach((rotations, i) => {
        if (this.#turns.has(keys[i])) return;
        this.#turns.set(
          keys[i],
          mesh
            ? turnRefusal(mesh, rotations, POSE_CROP_SIZE)
            : { reason: 'no-mesh', detail: `face ${faceId} has no face mesh: run face analysis again` },
        );
      });
    }
    return keys.map((key) => this.#turns.get(key)!);
  }

  async #poseRefusal(recipe: Recipe): Promise<Skip | null> {
    const rotations = recipe.ops.flatMap((op) => (op.type === 'pose' ? [scaledTurn(op.pose, op.strength)] : []));
    const [refused] = await this.turnRefusals(recipe.sourceFaceId, [rotations]);
    return refused;
  }

  async #validShare(faceId: number): Promise<number> {
    let share = this.#validShares.get(faceId);
    if (share === undefined) {
      const valid = await this.#faces.validityMask(faceId, this.#size);
      share = valid.reduce((s, v) => s + v, 0) / valid.length;
      this.#validShares.set(faceId, share);
    }
    return share;
  }

  async #matte(faceId: number, kind: SwapKind): Promise<Float32Array | null> {
    const key = `${faceId}/${kind}`;
    if (!this.#mattes.has(key)) {
      const [landmarks, person] = await Promise.all([
        this.#faces.templateLandmarks(faceId, this.#size),
        this.#faces.personMask(faceId, this.#size),
      ]);
      this.#mattes.set(key, landmarks && person ? buildSwapMask(this.#size, landmarks, person, kind) : null);
    }
    return this.#mattes.get(key)!;
  }
}

/**
 * Why a face whose mesh (in a `size` crop) is `mesh` is not turned by `rotations` (one after the
 * other, as the renderer chains them): it is seen in profile, or a turn would fill more of the face
 * than `MAX_MIRRORED_FILL` from its mirrored half. Null when it is turned. The job's gate and the
 * pose preview both ask this, so a preview shows what the job would refuse.
 */
export function turnRefusal(mesh: Float32Array, rotations: readonly HeadRotation[], size: number): Skip | null {
  const profile = poseRefusal(mesh);
  if (profile) return { reason: 'profile-source', detail: profile };
  let turned = mesh;
  for (const rotation of rotations) {
    const share = mirroredFillShare(turned, rotation, size);
    if (share > MAX_MIRRORED_FILL) {
      return {
        reason: 'hidden-side',
        detail: `the turn (yaw ${rotation.yaw.toFixed(0)}°, pitch ${rotation.pitch.toFixed(0)}°) would show the side the photo hides: ${(share * 100).toFixed(1)} % of the face would be filled from its mirrored side (at most ${MAX_MIRRORED_FILL * 100} %)`,
      };
    }
    turned = turnMesh(turned, rotation);
  }
  return null;
}

/** Share of the source's real pixels (valid ≥ 0.5) that the variant clips to black or white where the source did not. */
export function newlyClippedShare(source: PlanarImage, variant: PlanarImage, valid: Float32Array): number {
  const plane = variant.size * variant.size;
  let real = 0;
  let clipped = 0;
  for (let i = 0; i < plane; i++) {
    if (valid[i] < 0.5) continue;
    real++;
    for (let c = 0; c < 3; c++) {
      const v = variant.data[c * plane + i];
      const s = source.data[c * plane + i];
      if ((v <= 0.5 / 255 && s > 2 / 255) || (v >= 254.5 / 255 && s < 253 / 255)) {
        clipped++;
        break;
      }
    }
  }
  return real === 0 ? 0 : clipped / real;
}

/** Mean absolute difference (0‥1, over the three channels) between variant and source, each pixel weighted by how much it is real photo under the edit (`weight`, 0‥1). */
export function meanChange(source: PlanarImage, variant: PlanarImage, weight: Float32Array): number {
  const plane = variant.size * variant.size;
  let total = 0;
  let sum = 0;
  for (let i = 0; i < plane; i++) {
    const w = weight[i];
    if (w <= 0) continue;
    total += w;
    for (let c = 0; c < 3; c++) sum += w * Math.abs(variant.data[c * plane + i] - source.data[c * plane + i]);
  }
  return total === 0 ? 0 : sum / (3 * total);
}

function swapOf(recipe: Recipe): { kind: SwapKind; donorFaceId: number } | null {
  if (recipe.editKind !== 'hair' && recipe.editKind !== 'background') return null;
  const mix = recipe.ops.find((op) => op.type === 'mix');
  return mix && mix.type === 'mix' ? { kind: recipe.editKind, donorFaceId: mix.donorFaceId } : null;
}

function weightedShare(weights: Float32Array, valid: Float32Array): number {
  let total = 0;
  let real = 0;
  for (let i = 0; i < weights.length; i++) {
    total += weights[i];
    real += weights[i] * valid[i];
  }
  return total > 0 ? real / total : 0;
}

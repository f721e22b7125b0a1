import { Occluder, type EditSpec, type SynthesizeRequest } from '#api/synthesis.ts';
import type { Recipe, RecipeOp } from './edit-recipe.ts';
import type { SourceFace } from '../sources/face-source.ts';
import type { GeneratorPack } from '../packs/generator-pack.ts';
import type { EditKind } from '../packs/pack-manifest.ts';
import { RELIGHT_PRESETS } from '../relight/light-spec.ts';
import { POSE_PRESETS } from '../geometry/head-rotation.ts';
import { deriveSeed, SeededRandom } from '../../core/seeded-random.ts';
import type { SwapKind } from './edit-gate.ts';

/** Faces donors are drawn from, indexed once per job. */
export class DonorPool {
  readonly #all: readonly SourceFace[];
  readonly #byIdentity = new Map<number, SourceFace[]>();

  constructor(faces: readonly SourceFace[]) {
    this.#all = [...faces].sort((a, b) => a.faceId - b.faceId);
    for (const face of this.#all) {
      if (face.identityId === null) continue;
      const list = this.#byIdentity.get(face.identityId) ?? [];
      list.push(face);
      this.#byIdentity.set(face.identityId, list);
    }
  }

  /**
   * Candidates for a policy, never the source itself. A policy with no candidate (a person with one
   * photo asking for same-identity donors) falls back to any other face, and the recipe says which.
   */
  candidates(source: SourceFace, policy: Extract<EditSpec, { type: 'mix' }>['donors']): SourceFace[] {
    const others = (list: readonly SourceFace[]) => list.filter((f) => f.faceId !== source.faceId);
    let list: SourceFace[];
    if (policy === 'same-identity') list = source.identityId === null ? [] : others(this.#byIdentity.get(source.identityId) ?? []);
    else if (policy === 'other-identities') list = this.#all.filter((f) => f.identityId === null || f.identityId !== source.identityId);
    else list = others(this.#all);
    return list.length > 0 ? list : others(this.#all);
  }
}

/**
 * Whether an edit goes through a generator (directions and part mixes in its latent space); relighting,
 * pose, mesh expressions and occlusion render from the photo and its face mesh alone.
 */
export function usesGenerator(edit: EditSpec): boolean {
  return edit.type === 'direction' || edit.type === 'mix';
}

/** Checks a job's edits against the pack before any work, listing what the pack does offer. */
export function checkEdits(pack: GeneratorPack, edits: readonly EditSpec[]): string[] {
  const problems: string[] = [];
  for (const edit of edits) {
    if (edit.type === 'direction' && !pack.directions.has(edit.name)) {
      problems.push(
        `pack "${pack.manifest.name}" has no direction "${edit.name}" (it has: ${[...pack.directions.keys()].join(', ') || 'none'})`,
      );
    }
    if (edit.type === 'mix') {
      for (const part of edit.parts) {
        if (!pack.parts.has(part))
          problems.push(`pack "${pack.manifest.name}" has no part "${part}" (it has: ${[...pack.parts.keys()].join(', ') || 'none'})`);
      }
    }
  }
  return problems;
}

/** The swap a mix edit makes (what the edit gate checks a matte for), or null for any other edit. */
export function swapKindOf(pack: GeneratorPack | null, edit: EditSpec): SwapKind | null {
  if (edit.type !== 'mix' || !pack) return null;
  const kind = pack.parts.get(edit.parts[0])?.edit;
  return kind === 'hair' || kind === 'background' ? kind : null;
}

/**
 * The recipe for one (source, ordinal): the source's edits (the request's, less any it cannot take;
 * see `EditGate.swapRefusal`) are taken in turn by ordinal; strength and donor come from a seed
 * derived from the job seed, the source image and the ordinal, so any variant can be planned alone
 * (on resume, say) and comes out the same.
 */
export function planRecipe(
  pack: GeneratorPack | null,
  request: SynthesizeRequest,
  donors: DonorPool,
  source: SourceFace,
  ordinal: number,
  edits: readonly EditSpec[] = request.edits,
): Recipe {
  const seed = deriveSeed(request.seed, source.imageId, ordinal);
  const random = new SeededRandom(seed);
  const edit = edits[ordinal % edits.length];
  const strength = random.uniform(edit.strength[0], edit.strength[1]);
  let op: RecipeOp;
  let editKind: EditKind;
  if (edit.type === 'relight') {
    // Lights are dealt in turn from a per-source offset, so a source's variants cover distinct lights.
    const lights = edit.lights ?? RELIGHT_PRESETS;
    const turn = Math.floor(ordinal / edits.length) + new SeededRandom(deriveSeed(request.seed, source.imageId)).int(lights.length);
    op = { type: 'relight', light: lights[turn % lights.length], strength };
    editKind = 'relight';
  } else if (edit.type === 'occlusion') {
    // Dealt in turn like lights: a source's first variants cover distinct accessories.
    const occluders = edit.occluders ?? Occluder.options;
    const turn = Math.floor(ordinal / edits.length) + new SeededRandom(deriveSeed(request.seed, source.imageId)).int(occluders.length);
    const occluder = occluders[turn % occluders.length];
    op = { type: 'occlusion', occluder, style: random.uniform(0, 1), side: random.uniform(0, 1) < 0.5 ? 'left' : 'right', strength };
    editKind = occluder;
  } else if (edit.type === 'pose') {
    // Dealt in turn like lights: a source's pose variants cover distinct turns.
    const poses = edit.poses ?? POSE_PRESETS;
    const turn = Math.floor(ordinal / edits.length) + new SeededRandom(deriveSeed(request.seed, source.imageId)).int(poses.length);
    op = { type: 'pose', pose: poses[turn % poses.length], strength };
    editKind = 'pose';
  } else if (edit.type === 'expression') {
    const turn =
      Math.floor(ordinal / edits.length) + new SeededRandom(deriveSeed(request.seed, source.imageId)).int(edit.expressions.length);
    op = { type: 'expression', expression: edit.expressions[turn % edit.expressions.length], strength };
    editKind = 'expression';
  } else if (edit.type === 'direction') {
    op = { type: 'direction', name: edit.name, strength };
    editKind = generator(pack).directions.get(edit.name)!.edit;
  } else {
    const candidates = donors.candidates(source, edit.donors);
    if (candidates.length === 0) throw new Error(`no donor face for source image ${source.imageId}: the project has no other face`);
    op = { type: 'mix', parts: edit.parts, donorFaceId: candidates[random.int(candidates.length)].faceId, strength };
    editKind = generator(pack).parts.get(edit.parts[0])!.edit;
  }
  return {
    version: 1,
    // Edits drawn from the photo and its mesh never go through the generator: their provenance names none.
    pack: !usesGenerator(edit) || !pack ? null : { hash: pack.hash, name: pack.manifest.name, version: pack.manifest.version },
    sourceFaceId: source.faceId,
    seed,
    refineIterations: request.refineIterations,
    editKind,
    ops: [op],
  };
}

function generator(pack: GeneratorPack | null): GeneratorPack {
  if (!pack)
    throw new Error(
      'this edit goes through a generator, and the job has none (relighting, pose, mesh expressions and occlusion run without one)',
    );
  return pack;
}

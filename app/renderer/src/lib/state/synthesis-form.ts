import { POSE_PRESETS } from '#api/pose-presets.ts';
import { RELIGHT_PRESETS } from '#api/relight-presets.ts';
import {
  Occluder,
  type DonorPolicy,
  type EditSpec,
  type HeadPoseSpec,
  type LightSpec,
  type MeshExpression,
  type PackSummary,
  type SynthesizeRequest,
} from '#api/synthesis.ts';

/** One line of the edit list: a pack direction or part, on or off, with its strength range. */
export interface EditRow {
  readonly key: string;
  readonly type: 'direction' | 'mix';
  readonly name: string;
  readonly label: string;
  readonly edit: PackSummary['parts'][number]['edit'];
  enabled: boolean;
  min: number;
  max: number;
  donors: DonorPolicy;
}

/**
 * Physically-based relighting: the default relight edit. 'presets' deals the product's lamp set
 * (harsh Yale positions, both sides) in turn; 'custom' gives every relight variant the one light.
 */
export interface RelightForm {
  enabled: boolean;
  lights: 'presets' | 'custom';
  /** The one light of 'custom'; 'presets' does not use it. */
  light: LightSpec;
  /** Which of the preset lamps the preview shows under 'presets' (an index into RELIGHT_PRESETS). */
  previewPreset: number;
  /** Which person the preview shows (null: the project's first face). */
  previewIdentityId: number | null;
}

export const defaultRelightForm = (): RelightForm => ({
  enabled: true,
  lights: 'presets',
  light: { azimuth: 50, elevation: 15, ambient: 0.25, temperature: 6500 },
  previewPreset: 0,
  previewIdentityId: null,
});

/**
 * The light the preview shows: one the batch will use. Under 'presets' that is the chosen preset
 * lamp (the batch deals them all in turn), never the custom sliders, which the batch ignores then.
 */
export function relightPreviewLight(relight: Pick<RelightForm, 'lights' | 'light' | 'previewPreset'>): LightSpec {
  if (relight.lights === 'custom') return { ...relight.light };
  return { ...(RELIGHT_PRESETS[relight.previewPreset] ?? RELIGHT_PRESETS[0]) };
}

/**
 * Occlusion: accessories drawn over each face in its 3D frame. Off until asked for: an occluded face
 * is a harder sample, which a user chooses for what their recognizer will meet.
 */
export interface OcclusionForm {
  enabled: boolean;
  occluders: Occluder[];
}

export const defaultOcclusionForm = (): OcclusionForm => ({ enabled: false, occluders: [...Occluder.options] });

/** What the picker shows for each occluder. */
export const occluderLabels: Record<Occluder, string> = {
  sunglasses: 'Sunglasses',
  'clear-glasses': 'Clear glasses',
  'face-mask': 'Medical mask',
  cap: 'Cap',
  hand: 'Hand over the face',
};

/**
 * Turning the head from each face's own 3D mesh. 'presets' deals the product's turns (yaw ±15°,
 * ±30°, pitch ±15°) in turn; 'custom' gives every pose variant the one turn set on the pad.
 */
export interface PoseForm {
  enabled: boolean;
  poses: 'presets' | 'custom';
  /** The one turn of 'custom' (the pad and the roll slider); 'presets' does not use it. */
  pose: HeadPoseSpec;
  /** Which of the preset turns the preview shows under 'presets' (an index into POSE_PRESETS). */
  previewPreset: number;
  /** Which person the preview shows (null: the project's first face). */
  previewIdentityId: number | null;
}

export const defaultPoseForm = (): PoseForm => ({
  enabled: false,
  poses: 'presets',
  pose: { yaw: 20, pitch: 0, roll: 0 },
  previewPreset: 0,
  previewIdentityId: null,
});

/**
 * The turn the preview shows: one the batch will make. Under 'presets' that is the chosen preset
 * turn (the batch deals them all in turn), never the pad's, which the batch ignores then.
 */
export function posePreviewTurn(pose: Pick<PoseForm, 'poses' | 'pose' | 'previewPreset'>): HeadPoseSpec {
  if (pose.poses === 'custom') return { ...pose.pose };
  return { ...(POSE_PRESETS[pose.previewPreset] ?? POSE_PRESETS[0]) };
}

/** Expressions made by moving each face's own mesh; each variant takes the next chosen one. */
export interface ExpressionForm {
  enabled: boolean;
  expressions: MeshExpression[];
}

export const defaultExpressionForm = (): ExpressionForm => ({
  enabled: false,
  expressions: ['smile', 'open-mouth', 'closed-eyes', 'raised-brows'],
});

export interface SynthesisForm {
  packKey: string;
  relight: RelightForm;
  occlusion: OcclusionForm;
  pose: PoseForm;
  /** Absent in forms saved before mesh expressions existed: off. */
  expression?: ExpressionForm;
  refit: boolean;
  sources: 'all' | 'identities';
  identityIds: number[];
  rows: EditRow[];
  variantsPerSource: number;
  seed: number;
  refineIterations: number;
}

/**
 * Which parts are mixed from whom by default: hair and background from other people; lighting and
 * the face's own parts from another photo of the same person, whose codes differ by the lighting
 * and expression only, not by skin tone or features.
 */
const defaultDonors: Partial<Record<EditRow['edit'], DonorPolicy>> = {
  relight: 'same-identity',
  pose: 'same-identity',
  hair: 'other-identities',
  background: 'other-identities',
  expression: 'same-identity',
  attribute: 'same-identity',
};

/**
 * Edits switched on when a pack is picked: everything but parts that would change who the person
 * looks like, the pack's own lighting edits, which physically-based relighting replaces,
 * expression, which stays off until it is more than region mixing, and hair: the default
 * generator's hair part only tints the colour inside the source's own hair (on johns its variants
 * changed under 1 % of the pixel range), so switched on by default it fills half a job with
 * near-duplicates. It stays in the list for whoever wants the tint.
 */
function enabledByDefault(row: Pick<EditRow, 'type' | 'edit' | 'name'>): boolean {
  if (row.edit === 'relight' || row.edit === 'expression' || row.edit === 'hair') return false;
  if (row.type === 'direction') return row.edit !== 'attribute' || row.name === 'brightness';
  return row.edit !== 'attribute';
}

/**
 * What the edit list calls a row. A part mixed from a donor says so, before any note in brackets:
 * "Hair colour from a donor (a tint, not a new hairstyle)", not "… (a tint …) from a donor".
 */
export function editRowLabel(row: Pick<EditRow, 'type' | 'label'>): string {
  if (row.type !== 'mix') return row.label;
  const noted = /^(.*?)\s*(\([^()]*\))$/.exec(row.label);
  return noted ? `${noted[1]} from a donor ${noted[2]}` : `${row.label} from a donor`;
}

export function packKey(pack: PackSummary): string {
  return pack.kind === 'default' ? 'default' : `installed:${pack.id}`;
}

export function rowsFor(pack: PackSummary): EditRow[] {
  const directions = pack.directions.map((d): EditRow => ({
    key: `direction:${d.name}`,
    type: 'direction',
    name: d.name,
    label: d.label,
    edit: d.edit,
    enabled: false,
    min: -2,
    max: 2,
    donors: 'random',
  }));
  const parts = pack.parts.map((p): EditRow => ({
    key: `mix:${p.name}`,
    type: 'mix',
    name: p.name,
    label: p.label,
    edit: p.edit,
    enabled: false,
    min: 0.7,
    max: 1,
    donors: defaultDonors[p.edit] ?? 'random',
  }));
  return [...directions, ...parts].map((row) => ({ ...row, enabled: enabledByDefault(row) }));
}

/** The request the form describes, or the reason it cannot be sent yet. */
export function buildRequest(form: SynthesisForm, packs: readonly PackSummary[]): { request: SynthesizeRequest } | { problem: string } {
  const pack = packs.find((p) => packKey(p) === form.packKey);
  if (!pack) return { problem: 'Choose a generator.' };
  const relight: EditSpec[] = form.relight.enabled
    ? [{ type: 'relight', lights: form.relight.lights === 'custom' ? [{ ...form.relight.light }] : undefined, strength: [1, 1] }]
    : [];
  if (form.occlusion.enabled && form.occlusion.occluders.length === 0)
    return { problem: 'Pick at least one occluder, or switch occlusion off.' };
  const occlusion: EditSpec[] = form.occlusion.enabled
    ? [{ type: 'occlusion', occluders: Occluder.options.filter((o) => form.occlusion.occluders.includes(o)), strength: [1, 1] }]
    : [];
  const pose: EditSpec[] = form.pose.enabled
    ? [{ type: 'pose', poses: form.pose.poses === 'custom' ? [{ ...form.pose.pose }] : undefined, strength: [1, 1] }]
    : [];
  const expression: EditSpec[] =
    form.expression?.enabled && form.expression.expressions.length > 0
      ? [{ type: 'expression', expressions: [...form.expression.expressions], strength: [1, 1] }]
      : [];
  const edits: EditSpec[] = [...relight, ...pose, ...expression, ...occlusion].concat(
    form.rows
      .filter((row) => row.enabled)
      .map((row) => {
        const strength: [number, number] = [Math.min(row.min, row.max), Math.max(row.min, row.max)];
        return row.type === 'direction'
          ? { type: 'direction', name: row.name, strength }
          : { type: 'mix', parts: [row.name], donors: row.donors, strength };
      }),
  );
  if (edits.length === 0) return { problem: 'Switch on at least one edit.' };
  if (form.sources === 'identities' && form.identityIds.length === 0) return { problem: 'Pick at least one identity, or use all faces.' };
  return {
    request: {
      sources: form.sources === 'all' ? { kind: 'all' } : { kind: 'identities', identityIds: [...form.identityIds] },
      pack: pack.kind === 'default' ? { kind: 'default', refit: form.refit } : { kind: 'installed', packId: pack.id! },
      edits,
      variantsPerSource: form.variantsPerSource,
      seed: form.seed,
      refineIterations: form.refineIterations,
    },
  };
}

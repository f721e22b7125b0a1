import { describe, expect, it } from 'vitest';
import { POSE_PRESETS } from '#api/pose-presets.ts';
import { RELIGHT_PRESETS } from '#api/relight-presets.ts';
import type { PackSummary } from '#api/synthesis.ts';
import {
  buildRequest,
  defaultExpressionForm,
  defaultOcclusionForm,
  defaultPoseForm,
  defaultRelightForm,
  editRowLabel,
  posePreviewTurn,
  relightPreviewLight,
  rowsFor,
  type SynthesisForm,
} from './synthesis-form.ts';

const defaultPack: PackSummary = {
  id: null,
  kind: 'default',
  name: 'Likeness default generator',
  version: '1.0.0',
  description: '',
  hash: null,
  path: null,
  outputSize: 128,
  parts: [
    { name: 'illumination', label: 'Illumination', edit: 'relight' },
    { name: 'nose', label: 'Nose', edit: 'attribute' },
    { name: 'hair', label: 'Hair', edit: 'hair' },
    { name: 'mouth', label: 'Mouth', edit: 'expression' },
    { name: 'background', label: 'Background', edit: 'background' },
  ],
  directions: [{ name: 'light_left_right', label: 'Light', edit: 'relight' }],
};

function form(overrides: Partial<SynthesisForm> = {}): SynthesisForm {
  return {
    packKey: 'default',
    relight: defaultRelightForm(),
    occlusion: defaultOcclusionForm(),
    pose: defaultPoseForm(),
    refit: false,
    sources: 'all',
    identityIds: [],
    rows: rowsFor(defaultPack),
    variantsPerSource: 4,
    seed: 9,
    refineIterations: 0,
    ...overrides,
  };
}

describe('synthesis form', () => {
  it('switches on identity-safe, realistic edits by default (expression, hair tint and the pack’s lighting edits off), with donors that fit the part', () => {
    const rows = rowsFor(defaultPack);
    expect(rows.filter((r) => r.enabled).map((r) => r.key)).toEqual(['mix:background']);
    expect(rows.find((r) => r.name === 'hair')!.enabled).toBe(false);
    expect(rows.find((r) => r.name === 'hair')!.donors).toBe('other-identities');
    expect(rows.find((r) => r.name === 'mouth')!.donors).toBe('same-identity');
  });

  it('builds the request the job takes, physically-based relighting first, ordering each strength range', () => {
    const f = form();
    f.rows[0].enabled = true;
    f.rows[1].enabled = true;
    f.rows.find((r) => r.name === 'hair')!.enabled = true;
    f.rows[0].min = 2;
    f.rows[0].max = -1;
    const built = buildRequest(f, [defaultPack]);
    expect('request' in built && built.request).toMatchObject({
      sources: { kind: 'all' },
      pack: { kind: 'default', refit: false },
      variantsPerSource: 4,
      seed: 9,
      edits: [
        { type: 'relight', lights: undefined, strength: [1, 1] },
        { type: 'direction', name: 'light_left_right', strength: [-1, 2] },
        { type: 'mix', parts: ['illumination'], donors: 'same-identity', strength: [0.7, 1] },
        { type: 'mix', parts: ['hair'], donors: 'other-identities', strength: [0.7, 1] },
        { type: 'mix', parts: ['background'], donors: 'other-identities', strength: [0.7, 1] },
      ],
    });
  });

  it('gives every relight variant the one custom light when asked', () => {
    const relight = {
      ...defaultRelightForm(),
      lights: 'custom' as const,
      light: { azimuth: -70, elevation: 30, ambient: 0.1, temperature: 3200 },
    };
    const built = buildRequest(form({ relight }), [defaultPack]);
    expect('request' in built && built.request.edits[0]).toEqual({ type: 'relight', lights: [relight.light], strength: [1, 1] });
  });

  it('previews a light the batch will use: the chosen preset lamp under presets (not the custom sliders), the custom light under custom', () => {
    const custom = { azimuth: -70, elevation: 30, ambient: 0.1, temperature: 3200 };
    const presets = { ...defaultRelightForm(), light: custom, previewPreset: 5 };
    expect(relightPreviewLight(presets)).toEqual(RELIGHT_PRESETS[5]);
    expect(relightPreviewLight({ ...presets, previewPreset: 99 })).toEqual(RELIGHT_PRESETS[0]);
    expect(relightPreviewLight({ ...presets, lights: 'custom' })).toEqual(custom);
    // The batch deals the presets when the request names no lights: the previewed lamp is one of them.
    const built = buildRequest(form({ relight: presets }), [defaultPack]);
    expect('request' in built && built.request.edits[0]).toEqual({ type: 'relight', lights: undefined, strength: [1, 1] });
  });

  it('previews a turn the batch will make: the chosen preset turn under presets (not the pad), the pad’s turn under custom', () => {
    const custom = { yaw: -40, pitch: 10, roll: 3 };
    const presets = { ...defaultPoseForm(), enabled: true, pose: custom, previewPreset: 2 };
    expect(posePreviewTurn(presets)).toEqual(POSE_PRESETS[2]);
    expect(posePreviewTurn({ ...presets, previewPreset: 99 })).toEqual(POSE_PRESETS[0]);
    expect(posePreviewTurn({ ...presets, poses: 'custom' })).toEqual(custom);
    // The batch deals the presets when the request names no turns: the previewed turn is one of them.
    const built = buildRequest(form({ pose: presets }), [defaultPack]);
    expect('request' in built && built.request.edits.find((e) => e.type === 'pose')).toEqual({
      type: 'pose',
      poses: undefined,
      strength: [1, 1],
    });
  });

  it('adds one occlusion edit with the checked accessories, in the picker’s order, after relighting', () => {
    const built = buildRequest(form({ occlusion: { enabled: true, occluders: ['hand', 'sunglasses'] } }), [defaultPack]);
    expect('request' in built && built.request.edits.slice(0, 2)).toEqual([
      { type: 'relight', lights: undefined, strength: [1, 1] },
      { type: 'occlusion', occluders: ['sunglasses', 'hand'], strength: [1, 1] },
    ]);
    const off = buildRequest(form(), [defaultPack]);
    expect('request' in off && off.request.edits.some((e) => e.type === 'occlusion')).toBe(false);
    expect(buildRequest(form({ occlusion: { enabled: true, occluders: [] } }), [defaultPack])).toEqual({
      problem: 'Pick at least one occluder, or switch occlusion off.',
    });
  });

  it('adds the pose edit after relighting when switched on: the presets, or the one turn set on the pad', () => {
    const presets = buildRequest(form({ pose: { ...defaultPoseForm(), enabled: true } }), [defaultPack]);
    expect('request' in presets && presets.request.edits.slice(0, 2).map((e) => e.type)).toEqual(['relight', 'pose']);
    expect('request' in presets && presets.request.edits[1]).toEqual({ type: 'pose', poses: undefined, strength: [1, 1] });
    const pose = { ...defaultPoseForm(), enabled: true, poses: 'custom' as const, pose: { yaw: -30, pitch: 10, roll: 5 } };
    const custom = buildRequest(form({ pose }), [defaultPack]);
    expect('request' in custom && custom.request.edits[1]).toEqual({
      type: 'pose',
      poses: [{ yaw: -30, pitch: 10, roll: 5 }],
      strength: [1, 1],
    });
    expect(defaultPoseForm().enabled).toBe(false);
  });

  it('adds the mesh expressions chosen, and none when the picker is off or empty', () => {
    const expression = { enabled: true, expressions: ['smile' as const, 'closed-eyes' as const] };
    const built = buildRequest(form({ expression }), [defaultPack]);
    expect('request' in built && built.request.edits[1]).toEqual({
      type: 'expression',
      expressions: ['smile', 'closed-eyes'],
      strength: [1, 1],
    });
    const none = buildRequest(form({ expression: { enabled: true, expressions: [] } }), [defaultPack]);
    expect('request' in none && none.request.edits.some((e) => e.type === 'expression')).toBe(false);
    expect(defaultExpressionForm().enabled).toBe(false);
  });

  it('says why it cannot start', () => {
    const noEdits = form({
      relight: { ...defaultRelightForm(), enabled: false },
      rows: rowsFor(defaultPack).map((r) => ({ ...r, enabled: false })),
    });
    expect(buildRequest(noEdits, [defaultPack])).toEqual({ problem: 'Switch on at least one edit.' });
    expect(buildRequest(form({ sources: 'identities' }), [defaultPack])).toEqual({
      problem: 'Pick at least one identity, or use all faces.',
    });
    expect(buildRequest(form({ packKey: 'installed:4' }), [defaultPack])).toEqual({ problem: 'Choose a generator.' });
  });
});

describe('editRowLabel', () => {
  it('names the donor before a note in brackets, and leaves directions as the pack calls them', () => {
    expect(editRowLabel({ type: 'mix', label: 'Hair colour (a tint, not a new hairstyle)' })).toBe(
      'Hair colour from a donor (a tint, not a new hairstyle)',
    );
    expect(editRowLabel({ type: 'mix', label: 'Background' })).toBe('Background from a donor');
    expect(editRowLabel({ type: 'direction', label: 'Light: left ↔ right' })).toBe('Light: left ↔ right');
  });
});

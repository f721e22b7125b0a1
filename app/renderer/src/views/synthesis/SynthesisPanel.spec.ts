import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { POSE_PRESETS } from '#api/pose-presets.ts';
import { RELIGHT_PRESETS } from '#api/relight-presets.ts';
import type { PackSummary, SynthesizeRequest } from '#api/synthesis.ts';
import { AppState } from '../../lib/state/app-state.svelte.ts';
import { FakeBackend, settle } from '../../lib/testing/fake-backend.ts';
import { identity, pageOf, projectSummary } from '../../lib/testing/fixtures.ts';
import App from '../App.svelte';

const defaultPack: PackSummary = {
  id: null,
  kind: 'default',
  name: 'Likeness default generator',
  version: '1.0.0',
  description: 'fitted on first use',
  hash: null,
  path: null,
  outputSize: 128,
  parts: [
    { name: 'illumination', label: 'Illumination', edit: 'relight' },
    { name: 'hair', label: 'Hair colour (a tint, not a new hairstyle)', edit: 'hair' },
    { name: 'background', label: 'Background', edit: 'background' },
  ],
  directions: [{ name: 'light_left_right', label: 'Light: left ↔ right', edit: 'relight' }],
};

describe('SynthesisPanel', () => {
  let target: HTMLElement;
  let component: ReturnType<typeof mount>;
  let backend: FakeBackend;
  let stop: () => void;
  const q = (testid: string) => target.querySelector<HTMLElement>(`[data-testid="${testid}"]`);

  /** Opens the synthesis panel as its summary's click does, and waits for what it loads. */
  async function openPanel(): Promise<void> {
    const panel = q('synthesis-panel') as HTMLDetailsElement;
    panel.open = true;
    panel.dispatchEvent(new Event('toggle'));
    await settle();
    flushSync();
  }

  beforeEach(async () => {
    target = document.createElement('div');
    document.body.append(target);
    backend = new FakeBackend({
      'project.current': () => projectSummary('/data/faces.likeness', 20),
      'project.recent': () => [],
      'system.info': () => ({
        version: '0.1.0',
        host: 'web',
        executionProvider: { active: 'cpu', available: ['cpu'], fallbackReason: null },
      }),
      'dataset.identities': () => [identity(1, 12), identity(2, 8)],
      'dataset.images': ({ offset = 0, limit = 200 }) => pageOf(20, offset, limit),
      'dataset.problems': ({ offset = 0 }) => ({ total: 0, offset, items: [] }),
      'jobs.list': () => [],
      'synthesis.packs': () => [defaultPack],
      'synthesis.start': () => ({ jobId: 11 }),
      'synthesis.previewRelight': () => ({
        imageId: 3,
        image: 'data:image/png;base64,iVBORw0KGgo=',
        estimated: { azimuth: -4, elevation: 12, ambient: 0.3 },
      }),
      'synthesis.previewPose': () => ({
        imageId: 4,
        image: 'data:image/png;base64,iVBORw0KGgo=',
        source: { yaw: 3.2, pitch: -1 },
        refused: null,
      }),
    });
    const app = new AppState(backend);
    component = mount(App, { target, props: { app } });
    stop = app.start();
    await settle();
    flushSync();
  });

  afterEach(() => {
    stop();
    unmount(component);
    target.remove();
  });

  it('says plainly what the default generator can and cannot do, and starts a job from the form', async () => {
    await openPanel();
    expect(q('synthesis-default-note')?.textContent).toMatch(/appearance, not geometry/);
    expect(q('synthesis-default-note')?.textContent).toMatch(/hair only as a colour tint/);
    const hair = target.querySelector<HTMLInputElement>('input[aria-label="Use Hair colour (a tint, not a new hairstyle)"]')!;
    expect(hair.checked).toBe(false);
    q('synthesis-start')!.click();
    await settle();
    expect(backend.callsOf('synthesis.start')).toEqual([
      {
        sources: { kind: 'all' },
        pack: { kind: 'default', refit: false },
        edits: [
          { type: 'relight', strength: [1, 1] },
          { type: 'mix', parts: ['background'], donors: 'other-identities', strength: [0.7, 1] },
        ],
        variantsPerSource: 8,
        seed: 0,
        refineIterations: 0,
      },
    ]);
  });

  it('offers occlusion as a picker of accessories, off until asked for, and sends the checked ones', async () => {
    await openPanel();
    expect(q('occluder-sunglasses')).toBeNull();
    q('occlusion-enabled')!.click();
    flushSync();
    for (const occluder of ['sunglasses', 'clear-glasses', 'face-mask', 'cap', 'hand'])
      expect((q(`occluder-${occluder}`) as HTMLInputElement).checked).toBe(true);
    q('occluder-cap')!.click();
    q('occluder-clear-glasses')!.click();
    flushSync();
    q('synthesis-start')!.click();
    await settle();
    expect((backend.callsOf('synthesis.start')[0] as SynthesizeRequest).edits).toContainEqual({
      type: 'occlusion',
      occluders: ['sunglasses', 'face-mask', 'hand'],
      strength: [1, 1],
    });
  });

  it('imports a StyleGAN2 checkpoint through the API when the path is a .pt or .pkl, and selects the new pack', async () => {
    const imported: PackSummary = {
      ...defaultPack,
      id: 3,
      kind: 'installed',
      name: 'StyleGAN2 256px (ffhq.pkl)',
      hash: 'ab',
      path: '/p/stylegan2-ffhq',
      parts: [{ name: 'coarse', label: 'Face shape', edit: 'attribute' }],
      directions: [],
    };
    backend.handlers['synthesis.importCheckpoint'] = () => imported;
    backend.handlers['synthesis.packs'] = () =>
      backend.callsOf('synthesis.importCheckpoint').length > 0 ? [defaultPack, imported] : [defaultPack];
    await openPanel();
    const input = q('synthesis-pack-path') as HTMLInputElement;
    input.value = '/models/ffhq.pkl';
    input.dispatchEvent(new Event('input'));
    flushSync();
    expect(q('synthesis-add-pack')?.textContent?.trim()).toBe('Import checkpoint');
    q('synthesis-add-pack')!.click();
    await settle();
    flushSync();
    expect(backend.callsOf('synthesis.importCheckpoint')).toEqual([{ checkpoint: '/models/ffhq.pkl' }]);
    expect(backend.callsOf('synthesis.addPack')).toEqual([]);
    expect((q('synthesis-pack') as HTMLSelectElement).selectedOptions[0]?.textContent).toMatch(/StyleGAN2 256px/);
  });

  it('with preset lamps hides the custom light and previews the preset lamp chosen, one the batch deals', async () => {
    await openPanel();
    // Presets are the default: the sliders the batch would ignore are not offered.
    expect(q('relight-custom')).toBeNull();
    expect(q('relight-azimuth')).toBeNull();
    const lamps = [...target.querySelectorAll<HTMLInputElement>('[data-testid="relight-preset"]')];
    expect(lamps).toHaveLength(RELIGHT_PRESETS.length);
    expect(lamps[0].checked).toBe(true);
    lamps[2].click();
    flushSync();
    q('relight-preview')!.click();
    await settle();
    flushSync();
    expect(backend.callsOf('synthesis.previewRelight')).toEqual([{ identityId: null, light: RELIGHT_PRESETS[2], size: 256 }]);
    expect(q('relight-preview-result')?.textContent).toContain(`preset lamp 3 of ${RELIGHT_PRESETS.length}`);
  });

  it('previews one source under the custom light before a batch runs, and shows both lights as lit spheres', async () => {
    await openPanel();
    target.querySelector<HTMLInputElement>('input[type="radio"][value="custom"]')!.click();
    flushSync();
    expect(q('relight-presets')).toBeNull();
    const azimuth = q('relight-azimuth') as HTMLInputElement;
    azimuth.value = '-70';
    azimuth.dispatchEvent(new Event('input'));
    const who = q('relight-preview-identity') as HTMLSelectElement;
    expect([...who.options].map((o) => o.textContent)).toHaveLength(3);
    who.value = '2';
    who.dispatchEvent(new Event('change', { bubbles: true }));
    flushSync();
    q('relight-preview')!.click();
    await settle();
    flushSync();
    expect(backend.callsOf('synthesis.previewRelight')).toEqual([
      { identityId: 2, light: { azimuth: -70, elevation: 15, ambient: 0.25, temperature: 6500 }, size: 256 },
    ]);
    expect(q('relight-preview-result')?.querySelector('img')?.getAttribute('src')).toMatch(/^data:image\/png/);
    expect(q('relight-preview-result')?.textContent).toContain('the custom light');
    const glyphs = [...target.querySelectorAll<HTMLElement>('[data-testid="light-glyph"]')].map((g) => g.getAttribute('aria-label'));
    expect(glyphs).toEqual([
      'light azimuth −70°, elevation +15°',
      'light azimuth −70°, elevation +15°',
      'light azimuth −4°, elevation +12°',
    ]);
  });

  it('with preset turns hides the pose pad and previews the preset turn chosen, one the batch deals', async () => {
    await openPanel();
    q('pose-enabled')!.click();
    flushSync();
    // Presets are the default: the pad and roll the batch would ignore are not offered.
    expect(q('pose-custom')).toBeNull();
    expect(q('pose-pad')).toBeNull();
    expect(q('pose-roll')).toBeNull();
    const turns = [...target.querySelectorAll<HTMLInputElement>('[data-testid="pose-preset"]')];
    expect(turns.map((t) => t.parentElement?.textContent?.trim())).toEqual([
      'yaw −15°',
      'yaw +15°',
      'yaw −30°, pitch +5°, roll −5°',
      'yaw +30°, pitch −5°, roll +5°',
      'pitch +15°',
      'pitch −15°',
    ]);
    expect(turns).toHaveLength(POSE_PRESETS.length);
    expect(turns[0].checked).toBe(true);
    turns[3].click();
    flushSync();
    q('pose-preview')!.click();
    await settle();
    flushSync();
    expect(backend.callsOf('synthesis.previewPose')).toEqual([{ identityId: null, pose: POSE_PRESETS[3], size: 256 }]);
    expect(q('pose-preview-result')?.textContent).toContain(
      `turned by yaw +30°, pitch −5°, roll +5° (preset turn 4 of ${POSE_PRESETS.length})`,
    );
    // The batch deals the presets: the request names no turns.
    q('synthesis-start')!.click();
    await settle();
    const [request] = backend.callsOf('synthesis.start') as { edits: unknown[] }[];
    expect(request.edits).toContainEqual({ type: 'pose', poses: undefined, strength: [1, 1] });
  });

  it('sets a head turn on the pose pad under a custom turn, previews it on one source, and asks for exactly that turn', async () => {
    await openPanel();
    expect(q('pose-pad')).toBeNull();
    q('pose-enabled')!.click();
    flushSync();
    const custom = [...target.querySelectorAll<HTMLInputElement>('[data-testid="synthesis-pose"] input[type="radio"]')].find(
      (r) => r.value === 'custom',
    )!;
    custom.click();
    flushSync();
    expect(q('pose-presets')).toBeNull();
    const pad = q('pose-pad')!;
    pad.getBoundingClientRect = () => ({
      left: 0,
      top: 0,
      width: 100,
      height: 100,
      right: 100,
      bottom: 100,
      x: 0,
      y: 0,
      toJSON: () => ({}),
    });
    // Three quarters to the right and a quarter down: yaw +22.5 → 23, pitch −10.
    pad.dispatchEvent(new PointerEvent('pointerdown', { clientX: 75, clientY: 75, bubbles: true }));
    flushSync();
    expect(q('pose-angles')?.textContent).toBe('yaw +23° · pitch −10°');
    pad.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true }));
    flushSync();
    expect(pad.dataset.yaw).toBe('18');
    q('pose-preview')!.click();
    await settle();
    flushSync();
    expect(backend.callsOf('synthesis.previewPose')).toEqual([{ identityId: null, pose: { yaw: 18, pitch: -10, roll: 0 }, size: 256 }]);
    expect(q('pose-preview-result')?.textContent).toMatch(/turned by yaw \+18°, pitch −10° \(the custom turn\)\. It faces yaw 3°/);
    q('synthesis-start')!.click();
    await settle();
    const [request] = backend.callsOf('synthesis.start') as { edits: unknown[] }[];
    expect(request.edits).toContainEqual({ type: 'pose', poses: [{ yaw: 18, pitch: -10, roll: 0 }], strength: [1, 1] });
  });
});

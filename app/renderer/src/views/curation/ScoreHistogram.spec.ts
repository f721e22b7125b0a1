import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScoreHistogram as Histogram, VariantTile } from '#api/curation.ts';
import { CurationRules, ruleWouldChange } from '../../lib/state/curation-rules.svelte.ts';
import { Notices } from '../../lib/state/notices.svelte.ts';
import ScoreHistogram from './ScoreHistogram.svelte';
import { FakeBackend } from '../../lib/testing/fake-backend.ts';

const histogram: Histogram = {
  metric: 'idToSource',
  from: 0.75,
  to: 0.95,
  bins: [
    { from: 0.75, to: 0.85, accepted: 2, rejected: 1, unset: 9 },
    { from: 0.85, to: 0.95, accepted: 0, rejected: 0, unset: 4 },
  ],
  missing: 0,
};

describe('ScoreHistogram', () => {
  let target: HTMLElement;
  let component: ReturnType<typeof mount>;

  afterEach(() => {
    unmount(component);
    target.remove();
  });

  function show(cuts: number[]) {
    target = document.createElement('div');
    document.body.append(target);
    component = mount(ScoreHistogram, { target, props: { histogram, cuts } });
    flushSync();
    return [...target.querySelectorAll<HTMLElement>('[data-testid="histogram-cut"]')];
  }

  it('marks a threshold below the axis as off the axis, with its value, not as a line at the left edge', () => {
    const [cut] = show([0.7]);
    expect(cut.dataset.offAxis).toBe('below');
    expect(cut.textContent).toContain('0.70');
    expect(cut.style.left).toBe('');
  });

  it('draws a threshold on the axis where it lies', () => {
    const [cut] = show([0.8]);
    expect(cut.dataset.offAxis).toBeUndefined();
    expect(parseFloat(cut.style.left)).toBeCloseTo(25, 6);
  });

  it('has a y-scale from 0 to the tallest bin', () => {
    show([0.8]);
    expect(target.querySelector('[data-testid="histogram-y-scale"]')?.textContent?.replace(/\s+/g, ' ').trim()).toBe('12 6 0');
  });
});

describe('CurationRules threshold and grid marks', () => {
  it('shows the measured threshold rounded as a person would type it', async () => {
    const fake = new FakeBackend({
      'curation.ruleDefaults': () => ({
        identityThreshold: 0.698912054194438,
        identitySource: 'calibration',
        identityNote: '',
        far: 0.001,
        identityModel: 'dlib',
        identityThresholds: [],
        diversityThreshold: 0.0123456,
        diversityNote: '',
      }),
    });
    const rules = new CurationRules(fake.client, new Notices());
    await rules.loadDefaults();
    expect(rules.threshold).toBe(0.7);
    expect(rules.maxDiversity).toBe(0.012);
  });

  it('marks exactly the tiles the rule would change, as the host counts them', () => {
    const tile = (idToSource: number | null, status: VariantTile['status'], identityId = 1) =>
      ({ idToSource, idToCentroid: 0.5, diversity: 0.1, status, identityId }) as VariantTile;
    const rule = { rule: { kind: 'rejectBelow' as const, metric: 'idToSource' as const, threshold: 0.7 }, overwrite: false };
    expect(ruleWouldChange(rule, tile(0.6, 'unset'))).toBe(true);
    expect(ruleWouldChange(rule, tile(0.8, 'unset'))).toBe(false);
    expect(ruleWouldChange(rule, tile(null, 'unset'))).toBe(false);
    expect(ruleWouldChange(rule, tile(0.6, 'accepted'))).toBe(false);
    expect(ruleWouldChange({ ...rule, overwrite: true }, tile(0.6, 'accepted'))).toBe(true);
    expect(ruleWouldChange({ ...rule, overwrite: true }, tile(0.6, 'rejected'))).toBe(false);
    expect(ruleWouldChange({ ...rule, identityId: 2 }, tile(0.6, 'unset'))).toBe(false);
  });

  it('marks the calibrated thresholds that fall on its axis, labelled, where they lie', () => {
    const target = document.createElement('div');
    document.body.append(target);
    const marks = [
      { value: 0.8, label: 'FAR 1e-2' },
      { value: 0.9, label: 'FAR 1e-4' },
      { value: 0.5, label: 'off the axis' },
    ];
    const component = mount(ScoreHistogram, { target, props: { histogram, cuts: [0.85], marks } });
    flushSync();
    const shown = [...target.querySelectorAll<HTMLElement>('[data-testid="histogram-mark"]')];
    expect(shown.map((m) => m.textContent?.trim())).toEqual(['FAR 1e-2', 'FAR 1e-4']);
    expect(parseFloat(shown[0].style.left)).toBeCloseTo(25, 6);
    expect(shown[1].title).toBe('FAR 1e-4: 0.900');
    unmount(component);
    target.remove();
  });
});

import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import ScoreHistogram from './ScoreHistogram.svelte';

const histogram = {
  metric: 'idToSource' as const,
  from: 0.8,
  to: 1,
  bins: [{ from: 0.8, to: 0.9, accepted: 1, rejected: 2, unset: 3 }, { from: 0.9, to: 1, accepted: 4, rejected: 0, unset: 1 }],
  missing: 0,
};

describe('ScoreHistogram', () => {
  let component: ReturnType<typeof mount> | null = null;
  afterEach(() => {
    if (component) unmount(component);
    component = null;
    document.body.innerHTML = '';
  });

  it('marks the calibrated thresholds that fall on its axis, labelled, where they lie', () => {
    const marks = [
      { value: 0.9116, label: 'FAR 1e-2' },
      { value: 0.9409, label: 'FAR 1e-4' },
      { value: 0.5, label: 'off the axis' },
    ];
    component = mount(ScoreHistogram, { target: document.body, props: { histogram, cuts: [0.85], marks } });
    flushSync();
    const shown = [...document.querySelectorAll<HTMLElement>('[data-testid="histogram-mark"]')];
    expect(shown.map((m) => m.textContent?.trim())).toEqual(['FAR 1e-2', 'FAR 1e-4']);
    expect(parseFloat(shown[0].style.left)).toBeCloseTo(55.8, 6);
    expect(shown[1].title).toBe('FAR 1e-4: 0.941');
    expect(document.querySelectorAll('[data-testid="histogram-cut"]')).toHaveLength(1);
  });
});

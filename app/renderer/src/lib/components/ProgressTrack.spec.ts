import { flushSync, mount, unmount } from 'svelte';
import { describe, expect, it } from 'vitest';
import ProgressTrack from './ProgressTrack.svelte';

function render(props: { label: string; fraction: number | null; busy?: boolean; width?: string }) {
  const target = document.createElement('div');
  document.body.append(target);
  const component = mount(ProgressTrack, { target, props });
  flushSync();
  const track = target.querySelector<HTMLElement>('[role="progressbar"]')!;
  const fill = track.querySelector<HTMLElement>('.fill')!;
  return { track, fill, close: () => (unmount(component), target.remove()) };
}

describe('ProgressTrack', () => {
  it('fills to the fraction done and tells assistive technology the percentage', () => {
    const { track, fill, close } = render({ label: 'Import #4 progress', fraction: 0.256, width: '220px' });
    expect(track.getAttribute('aria-label')).toBe('Import #4 progress');
    expect(track.getAttribute('aria-valuenow')).toBe('25');
    expect(fill.style.width).toBe('25.6%');
    expect(track.style.width).toBe('220px');
    expect(fill.classList.contains('indeterminate')).toBe(false);
    close();
  });

  it('with no known total slides while busy, stays empty otherwise, and claims no value either way', () => {
    const busy = render({ label: 'Analysis progress', fraction: null, busy: true });
    expect(busy.track.hasAttribute('aria-valuenow')).toBe(false);
    expect(busy.fill.classList.contains('indeterminate')).toBe(true);
    busy.close();
    const waiting = render({ label: 'Export #9 progress', fraction: null });
    expect(waiting.fill.classList.contains('indeterminate')).toBe(false);
    expect(waiting.fill.style.width).toBe('0%');
    waiting.close();
  });
});

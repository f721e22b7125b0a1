import { describe, expect, it } from 'vitest';
import type { VariantTile as Tile } from '#api/curation.ts';
import VariantTile from '../../views/curation/VariantTile.svelte';
import PosePad from './PosePad.svelte';
import { mountedComponents } from '../testing/mounted-components.ts';

const render = mountedComponents();

describe('PosePad', () => {
  it('puts the dot where the turn is (yaw right, pitch up) and keeps arrow-key steps inside the bounds', () => {
    const changes: { yaw: number; pitch: number }[] = [];
    const target = render(PosePad, { yaw: 45, pitch: -20, onchange: (pose: { yaw: number; pitch: number }) => changes.push(pose) });
    const dot = target.querySelector<HTMLElement>('.dot')!;
    expect([dot.style.left, dot.style.top]).toEqual(['100%', '100%']);
    const pad = target.querySelector<HTMLElement>('[data-testid="pose-pad"]')!;
    pad.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
    pad.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowUp', bubbles: true }));
    expect(changes).toEqual([
      { yaw: 45, pitch: -20 },
      { yaw: 45, pitch: -15 },
    ]);
    expect(pad.getAttribute('aria-valuetext')).toBe('yaw +45°, pitch −20°');
  });

  it('labels a pose variant’s tile with its turn instead of a strength', () => {
    const tile: Tile = {
      id: 6,
      sourceImageId: 2,
      sourceKey: 'originals/2',
      identityId: 1,
      identityName: 'A',
      ordinal: 1,
      editKind: 'pose',
      strength: 1,
      seed: 3,
      fileKey: 'variants/y.png',
      width: 256,
      height: 256,
      idToSource: 0.9,
      idToCentroid: 0.8,
      nearestOtherIdentityId: null,
      nearestOtherName: null,
      idToNearestOther: null,
      diversity: 0.1,
      status: 'unset',
      decidedBy: null,
      decidedAt: null,
      light: null,
      pose: { yaw: -30, pitch: 5, roll: 0 },
    };
    const target = render(VariantTile, { tile, src: null, index: 0, selected: false, onselect: () => undefined, onopen: () => undefined });
    expect(target.querySelector('[data-testid="pose-label"]')?.textContent).toBe('yaw −30° pitch +5°');
    expect(target.querySelector('[data-testid="variant-tile"]')?.getAttribute('title')).toMatch(/^pose yaw −30° pitch \+5° · seed 3/);
  });
});

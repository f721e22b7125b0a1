import { describe, expect, it } from 'vitest';
import type { VariantTile as Tile } from '#api/curation.ts';
import VariantTile from '../../views/curation/VariantTile.svelte';
import LightGlyph from './LightGlyph.svelte';
import { mountedComponents } from '../testing/mounted-components.ts';

const render = mountedComponents();

/** Where the glyph's highlight sits, in % of the sphere (x right, y down). */
function highlight(target: HTMLElement): [number, number] {
  const gradient = target.querySelector('radialGradient')!;
  return [parseFloat(gradient.getAttribute('cx')!), parseFloat(gradient.getAttribute('cy')!)];
}

describe('LightGlyph', () => {
  it('puts the highlight where the lamp is: subject’s right is the image’s left, above is up', () => {
    const [x, y] = highlight(render(LightGlyph, { azimuth: 60, elevation: 30 }));
    expect(x).toBeLessThan(30);
    expect(y).toBeLessThan(40);
    const [x2, y2] = highlight(render(LightGlyph, { azimuth: -60, elevation: -30 }));
    expect(x2).toBeGreaterThan(70);
    expect(y2).toBeGreaterThan(60);
  });

  it('shows a relight variant’s light on its tile instead of a strength', () => {
    const tile: Tile = {
      id: 5,
      sourceImageId: 2,
      sourceKey: 'originals/2',
      identityId: 1,
      identityName: 'A',
      ordinal: 0,
      editKind: 'relight',
      strength: 1,
      seed: 3,
      fileKey: 'variants/x.png',
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
      light: { azimuth: -70, elevation: 45, ambient: 0.25, temperature: 6500 },
    };
    const target = render(VariantTile, { tile, src: null, index: 0, selected: false, onselect: () => undefined, onopen: () => undefined });
    expect(target.querySelector('[data-testid="light-glyph"]')?.getAttribute('aria-label')).toBe('light azimuth −70°, elevation +45°');
    expect(target.querySelector('.angles')?.textContent).toBe('−70° +45°');
  });
});

import type { EditKind } from '../packs/pack-manifest.ts';
import { regionNames, type RegionName } from '../edits/region-masks.ts';

/**
 * What the default generator offers, known before it is fitted (the UI lists these for a project
 * that has not fitted one yet): its latent layers, each a part that can be mixed from a donor,
 * and its fitted lighting directions.
 */
export interface LayoutEntry {
  readonly name: string;
  readonly label: string;
  readonly edit: EditKind;
}

const regionEntries: Record<RegionName, Omit<LayoutEntry, 'name'>> = {
  skin: { edit: 'attribute', label: 'Skin and face shading' },
  eyes: { edit: 'expression', label: 'Eyes' },
  brows: { edit: 'expression', label: 'Eyebrows' },
  nose: { edit: 'attribute', label: 'Nose' },
  mouth: { edit: 'expression', label: 'Mouth' },
  // A smooth colour only, inside the source's own hair: the picker says so rather than promise a new hairstyle.
  hair: { edit: 'hair', label: 'Hair colour (a tint, not a new hairstyle)' },
  background: { edit: 'background', label: 'Background' },
};

export const defaultPackParts: readonly LayoutEntry[] = [
  { name: 'illumination', label: 'Illumination', edit: 'relight' },
  ...regionNames.map((name) => ({ name, ...regionEntries[name] })),
];

export const defaultPackDirections: readonly LayoutEntry[] = [
  { name: 'light_left_right', label: 'Light: left ↔ right', edit: 'relight' },
  { name: 'light_top_bottom', label: 'Light: below ↔ above', edit: 'relight' },
  { name: 'brightness', label: 'Brightness', edit: 'relight' },
];

export const DEFAULT_PACK_DESCRIPTION =
  'A part-based linear appearance model fitted on this project’s own aligned faces. It changes appearance ' +
  '(lighting, colour and texture of hair, background, eyes, mouth), not geometry: it cannot turn a head, ' +
  'change a face’s shape or restyle hair. Variants keep the photo’s detail and change only what the model captures.';

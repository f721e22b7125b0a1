import type { LightSpec } from './synthesis.ts';

/**
 * Ambient of the relight presets: a quarter of the lamp, as in a room rather than Yale's dark
 * dome. Chosen on Yale B01–B05 by the augmentation gain: harsher presets (0.05, full cast shadows)
 * moved variants further from the person's real photos.
 */
export const PRESET_AMBIENT = 0.25;

/**
 * Relight presets: Yale lamps chosen from each harsh subset (S3–S5) and both sides, where a
 * frontal gallery photo is furthest from the photos a recognizer will meet. Part of the contract:
 * a relight edit without lights deals these in turn, and the synthesis panel previews them.
 */
export const RELIGHT_PRESETS: readonly LightSpec[] = (
  [
    [-50, 0],
    [50, 0],
    [-70, 45],
    [70, 45],
    [-85, -20],
    [85, -20],
    [-110, 15],
    [110, 15],
    [0, 45],
    [0, -35],
    [-35, 40],
    [35, 40],
    [-120, 0],
    [120, 0],
    [-60, -20],
    [60, -20],
  ] as const
).map(([azimuth, elevation]) => ({ azimuth, elevation, ambient: PRESET_AMBIENT, temperature: 6500 }));

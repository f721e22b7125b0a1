import type { LightSpec } from '#api/synthesis.ts';

export { LightSpec } from '#api/synthesis.ts';
export { PRESET_AMBIENT, RELIGHT_PRESETS } from '#api/relight-presets.ts';

/** Unit vector toward the lamp in view coordinates (X right in the image, Y up, Z toward the viewer). */
export function lightDirection(light: Pick<LightSpec, 'azimuth' | 'elevation'>): [number, number, number] {
  const az = (light.azimuth * Math.PI) / 180;
  const el = (light.elevation * Math.PI) / 180;
  return [-Math.sin(az) * Math.cos(el), Math.sin(el), Math.cos(az) * Math.cos(el)];
}

/** Angle between the lamp and the camera axis, in degrees: what Yale's subsets S1–S5 are cut by. */
export function angleFromAxis(light: Pick<LightSpec, 'azimuth' | 'elevation'>): number {
  const [, , z] = lightDirection(light);
  return (Math.acos(Math.min(1, Math.max(-1, z))) * 180) / Math.PI;
}

export type YaleSubset = 'S1' | 'S2' | 'S3' | 'S4' | 'S5';

export function yaleSubset(light: Pick<LightSpec, 'azimuth' | 'elevation'>): YaleSubset {
  const angle = angleFromAxis(light);
  if (angle <= 12) return 'S1';
  if (angle <= 25) return 'S2';
  if (angle <= 50) return 'S3';
  if (angle <= 77) return 'S4';
  return 'S5';
}

/** The 64 lamp positions of Extended Yale B (azimuth, elevation in degrees), as its file names give them. */
export const YALE_LIGHTS: readonly (readonly [number, number])[] = [
  [0, 0],
  [0, 20],
  [0, 45],
  [0, 90],
  [0, -20],
  [0, -35],
  [5, 10],
  [5, -10],
  [10, 0],
  [10, -20],
  [15, 20],
  [20, 10],
  [20, -10],
  [20, -40],
  [25, 0],
  [35, 15],
  [35, 40],
  [35, 65],
  [35, -20],
  [50, 0],
  [50, -40],
  [60, 20],
  [60, -20],
  [70, 0],
  [70, 45],
  [70, -35],
  [85, 20],
  [85, -20],
  [95, 0],
  [110, 15],
  [110, 40],
  [110, 65],
  [110, -20],
  [120, 0],
  [130, 20],
  [-5, 10],
  [-5, -10],
  [-10, 0],
  [-10, -20],
  [-15, 20],
  [-20, 10],
  [-20, -10],
  [-20, -40],
  [-25, 0],
  [-35, 15],
  [-35, 40],
  [-35, 65],
  [-35, -20],
  [-50, 0],
  [-50, -40],
  [-60, 20],
  [-60, -20],
  [-70, 0],
  [-70, 45],
  [-70, -35],
  [-85, 20],
  [-85, -20],
  [-95, 0],
  [-110, 15],
  [-110, 40],
  [-110, 65],
  [-110, -20],
  [-120, 0],
  [-130, 20],
];

/** Yale B's lamps were a strobe in a dark room: almost no ambient light. */
export const YALE_AMBIENT = 0.05;

/**
 * RGB gains of a black-body lamp at `kelvin` relative to 6500 K, normalised to keep luminance: a
 * fit of the Planckian locus in sRGB (Tanner Helland's), accurate to a few percent over 1500‥15000 K.
 */
export function temperatureGains(kelvin: number): [number, number, number] {
  const raw = (k: number): [number, number, number] => {
    const t = k / 100;
    const r = t <= 66 ? 255 : 329.698727446 * (t - 60) ** -0.1332047592;
    const g = t <= 66 ? 99.4708025861 * Math.log(t) - 161.1195681661 : 288.1221695283 * (t - 60) ** -0.0755148492;
    const b = t >= 66 ? 255 : t <= 19 ? 0 : 138.5177312231 * Math.log(t - 10) - 305.0447927307;
    return [r, g, b].map((v) => Math.min(255, Math.max(1, v))) as [number, number, number];
  };
  const target = raw(kelvin);
  const white = raw(6500);
  const gains = target.map((v, i) => v / white[i]) as [number, number, number];
  const luma = 0.299 * gains[0] + 0.587 * gains[1] + 0.114 * gains[2];
  return gains.map((g) => g / luma) as [number, number, number];
}

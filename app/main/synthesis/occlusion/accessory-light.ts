import { lightDirection } from '../relight/light-spec.ts';
import type { PreparedFace } from '../relight/relight-face.ts';
import { evalSh, shBasis } from '../relight/spherical-harmonics.ts';
import type { Vec3 } from './head-frame.ts';

export type Rgb = [number, number, number];

/**
 * The face's estimated light, re-used for what is drawn over it: the SH fit gives the shading of
 * any surface orientation, relative to the face's mean, and the dominant lamp gives the direction
 * highlights and cast shadows take. Exposure (how bright a white surface would come out) follows
 * the skin's brightness, with skin taken as reflecting 60 % of what white does.
 */
export class AccessoryLight {
  /** Mean colour of the skin the lighting was fitted on (0‥1). */
  readonly skin: Rgb;
  /** Brightness of a white diffuse surface facing the camera under the face's mean light. */
  readonly exposure: number;
  /** Toward the dominant lamp, in crop coordinates (x right, y down, z away from the camera). */
  readonly toLamp: Vec3;
  /** Share of the light that comes from the lamp rather than ambient (what a cast shadow removes). */
  readonly lampShare: number;
  /** True when the photo has no colour: accessories are drawn in grey too. */
  readonly greyscale: boolean;
  readonly #coefficients: Float64Array;
  readonly #meanLuma: number;
  readonly #basis = new Float64Array(9);

  constructor(face: PreparedFace) {
    const { image, surface, lighting } = face;
    const size = image.size;
    const plane = size * size;
    const skin: Rgb = [0, 0, 0];
    let weight = 0;
    let luma = 0;
    let chroma = 0;
    for (let j = 0; j < plane; j += 1) {
      const w = surface.coverage[j] * lighting.robust[j] * (face.validity ? face.validity[j] : 1);
      if (w <= 0.5) continue;
      shBasis(surface.normals[j], surface.normals[plane + j], surface.normals[2 * plane + j], this.#basis);
      luma +=
        (w *
          (evalSh(lighting.coefficients, 0, this.#basis) +
            evalSh(lighting.coefficients, 1, this.#basis) +
            evalSh(lighting.coefficients, 2, this.#basis))) /
        3;
      for (let c = 0; c < 3; c += 1) skin[c] += w * image.data[c * plane + j];
      chroma +=
        w *
        (Math.max(image.data[j], image.data[plane + j], image.data[2 * plane + j]) -
          Math.min(image.data[j], image.data[plane + j], image.data[2 * plane + j]));
      weight += w;
    }
    if (weight < 50) throw new Error('occlusion: too little visible skin to estimate the light');
    this.skin = skin.map((v) => v / weight) as Rgb;
    this.#meanLuma = Math.max(1e-3, luma / weight);
    this.#coefficients = lighting.coefficients;
    const skinLuma = (this.skin[0] + this.skin[1] + this.skin[2]) / 3;
    this.exposure = Math.min(1.25, Math.max(0.6, skinLuma / 0.6));
    this.greyscale = chroma / weight < 0.02;
    const [lx, ly, lz] = lightDirection(face.estimated);
    this.toLamp = [lx, -ly, -lz];
    this.lampShare = 1 / (1 + face.estimated.ambient);
  }

  /**
   * Shading of a surface with normal `n` (crop coordinates, unit) relative to the face's mean:
   * 1 where it receives what the face receives on average. Never below a floor, since SH ringing can
   * go negative at grazing normals.
   */
  shading(n: Vec3): number {
    // The SH basis uses view coordinates: X right, Y up, Z toward the viewer.
    shBasis(n[0], -n[1], -n[2], this.#basis);
    const c = this.#coefficients;
    const s = (evalSh(c, 0, this.#basis) + evalSh(c, 1, this.#basis) + evalSh(c, 2, this.#basis)) / 3;
    return Math.max(0.15, s / this.#meanLuma);
  }

  /** A material's colour as the photo would show it: grey where the photo is grey. */
  tone(colour: Rgb): Rgb {
    if (!this.greyscale) return colour;
    const y = 0.299 * colour[0] + 0.587 * colour[1] + 0.114 * colour[2];
    return [y, y, y];
  }
}

import type { PlanarImage } from '../packs/image-tensor.ts';
import { castShadows } from './cast-shadows.ts';
import { boxBlur, rasteriseFace, type FaceSurface } from './face-surface.ts';
import { fitDominantLight } from './dominant-light.ts';
import { lightDirection, temperatureGains, type LightSpec } from './light-spec.ts';
import { evalSh, fitShLighting, lightColour, shBasis, type ShLighting } from './spherical-harmonics.ts';

/**
 * What the relighting needs from a crop, whichever crop path made it: the planar RGB crop (0‥1),
 * FaceMesh's 468 × (x, y, z) landmarks in that crop's pixels (z on the same scale, smaller is
 * nearer), and optionally which pixels are real photo rather than padding.
 */
export interface RelightSource {
  readonly image: PlanarImage;
  readonly landmarks: Float32Array;
  readonly validity?: Float32Array | null;
}

export interface RelightOptions {
  /** Stretch of FaceMesh's depth (it is flatter than real faces): deepens eye sockets and the nose's shadow. */
  readonly depthScale?: number;
  /** 0: no cast shadows, 1: a cast shadow blocks the lamp entirely. */
  readonly shadowStrength?: number;
  /** How far toward the target light: the shading ratio is raised to this power (1: all the way). */
  readonly strength?: number;
}

/** Chosen on Yale B01–B05 by the augmentation gain (bench/eval-augment.ts); B06–B10 are held out. */
export const DEFAULT_RELIGHT_OPTIONS: Required<RelightOptions> = { depthScale: 1, shadowStrength: 0.5, strength: 1 };

/** Side of the crop relight variants are made at (the aligned-crop size for synthesis). */
export const RELIGHT_CROP_SIZE = 256;

/** The light the photo was estimated to be taken under, as provenance records it. */
export interface EstimatedLight {
  readonly azimuth: number;
  readonly elevation: number;
  /** Ambient over directional, as `LightSpec.ambient`. */
  readonly ambient: number;
  /** The 27 SH coefficients (R, G, B × 9), rounded: shading = Σ c·Y(n), albedo folded in. */
  readonly sh: number[];
}

/** Everything about a source that does not depend on the target light: computed once per face. */
export interface PreparedFace {
  readonly image: PlanarImage;
  readonly validity: Float32Array | null;
  readonly surface: FaceSurface;
  readonly lighting: ShLighting;
  readonly estimated: EstimatedLight;
  /** Source shading per channel (3 × size²), floored so the ratio never divides by nothing. */
  readonly sourceShading: Float32Array;
  /**
   * Lamp + ambient that, from the estimated source direction, reproduce the face's mean fitted
   * shading: the target lamp has the same power, so a relit face is as bright as the real photo
   * under that lamp would be, not as bright as the source.
   */
  readonly lampPower: number;
  readonly lightColour: [number, number, number];
}

export interface RelitFace {
  readonly image: PlanarImage;
  /** The source's validity mask, unchanged: relighting moves no pixels. */
  readonly validity: Float32Array | null;
}

export function prepareRelight(source: RelightSource, options: RelightOptions = {}): PreparedFace {
  const { depthScale } = { ...DEFAULT_RELIGHT_OPTIONS, ...options };
  const size = source.image.size;
  const plane = size * size;
  if (source.image.data.length !== plane * 3) throw new Error(`relight: expected a ${size}×${size} planar RGB image`);
  if (source.validity && source.validity.length !== plane) throw new Error(`relight: the validity mask must be ${size}×${size}`);
  const surface = rasteriseFace(source.landmarks, size, depthScale);
  const weights = new Float32Array(plane);
  for (let j = 0; j < plane; j += 1) {
    const valid = source.validity ? source.validity[j] : 1;
    weights[j] = surface.coverage[j] >= 0.999 && valid > 0.5 ? 1 : 0;
  }
  // Nine coefficients need a few thousand pixels, not a 256 px face's forty thousand: the fit runs
  // on a regular subsample, which keeps a source's preparation to a few of its variants' cost.
  const step = Math.max(1, Math.floor(Math.sqrt(weights.reduce((n, w) => n + w, 0) / 8000)));
  if (step > 1) for (let j = 0; j < plane; j += 1) if ((j % size) % step || Math.floor(j / size) % step) weights[j] = 0;
  const lighting = fitShLighting(source.image.data, size, surface.normals, weights);
  const colour = lightColour(lighting);
  const sourceShading = new Float32Array(plane * 3);
  const basis = new Float64Array(9);
  const meanShading = [0, 0, 0];
  let count = 0;
  for (let j = 0; j < plane; j += 1) {
    shBasis(surface.normals[j], surface.normals[plane + j], surface.normals[2 * plane + j], basis);
    for (let c = 0; c < 3; c += 1) {
      const s = evalSh(lighting.coefficients, c, basis);
      sourceShading[c * plane + j] = s;
      if (weights[j] > 0) meanShading[c] += s;
    }
    if (weights[j] > 0) count += 1;
  }
  for (let c = 0; c < 3; c += 1) {
    // Grazing normals at the rim and the SH's own ringing can take the fitted shading near zero.
    const floor = (0.25 * meanShading[c]) / Math.max(1, count);
    for (let j = 0; j < plane; j += 1) sourceShading[c * plane + j] = Math.max(floor, sourceShading[c * plane + j], 1e-3);
  }
  const luminance = new Float32Array(plane);
  const robustWeights = new Float32Array(plane);
  for (let j = 0; j < plane; j += 1) {
    luminance[j] = (source.image.data[j] + source.image.data[plane + j] + source.image.data[2 * plane + j]) / 3;
    robustWeights[j] = weights[j] * lighting.robust[j];
  }
  const lamp = fitDominantLight(luminance, surface.normals, robustWeights);
  const [dx, dy, dz] = lightDirection(lamp);
  let lambertMean = 0;
  for (let j = 0; j < plane; j += 1) {
    if (weights[j] > 0)
      lambertMean += Math.max(0, surface.normals[j] * dx + surface.normals[plane + j] * dy + surface.normals[2 * plane + j] * dz);
  }
  lambertMean /= Math.max(1, count);
  const lumaMean = (meanShading[0] + meanShading[1] + meanShading[2]) / 3 / Math.max(1, count);
  const ratio = lamp.intensity > 1e-6 ? Math.min(10, lamp.ambient / lamp.intensity) : 10;
  // The target lamp has the power that, from the estimated direction, gives the mean fitted shading:
  // lamp·(ratio + lambertMean)/(1 + ratio) = mean shading, with lampPower = lamp·(1 + ratio).
  const lampPower = (lumaMean / Math.max(1e-3, ratio + lambertMean)) * (1 + ratio);
  const estimated: EstimatedLight = {
    azimuth: round(lamp.azimuth, 1),
    elevation: round(lamp.elevation, 1),
    ambient: round(ratio, 3),
    sh: [...lighting.coefficients].map((v) => round(v, 5)),
  };
  return {
    image: source.image,
    validity: source.validity ?? null,
    surface,
    lighting,
    estimated,
    sourceShading,
    lampPower,
    lightColour: colour,
  };
}

/**
 * Re-renders the face under `light` multiplicatively: every pixel is scaled by the ratio of the
 * target shading (ambient + lamp · max(0, n·L) · visibility) to the fitted source shading, per
 * channel, so skin texture, freckles and stubble stay and a shadow darkens them as real light
 * does. The lamp keeps the source light's power (lamp + ambient), split by the requested ratio.
 * Off the head the ratio fades to the face's mean ratio, so hair and background follow the overall
 * brightness change without face-shaped edges.
 */
export function renderRelight(face: PreparedFace, light: LightSpec, options: RelightOptions = {}): RelitFace {
  const { shadowStrength, strength } = { ...DEFAULT_RELIGHT_OPTIONS, ...options };
  const { surface, image, sourceShading } = face;
  const size = image.size;
  const plane = size * size;
  const toLight = lightDirection(light);
  const visibility = shadowStrength > 0 ? castShadows(surface.height, size, toLight) : null;
  const lamp = face.lampPower / (1 + light.ambient);
  const ambient = lamp * light.ambient;
  const gains = temperatureGains(light.temperature);
  const colour = face.lightColour.map((c, i) => c * gains[i]);
  const ratio = new Float32Array(plane * 3);
  const [lx, ly, lz] = toLight;
  const n = surface.normals;
  for (let j = 0; j < plane; j += 1) {
    if (surface.coverage[j] <= 0) continue;
    const lambert = Math.max(0, n[j] * lx + n[plane + j] * ly + n[2 * plane + j] * lz);
    const visible = visibility ? 1 - shadowStrength * (1 - visibility[j]) : 1;
    const shading = ambient + lamp * lambert * visible;
    for (let c = 0; c < 3; c += 1) ratio[c * plane + j] = Math.min(4, (shading * colour[c]) / sourceShading[c * plane + j]);
  }
  const outside = extendOutward(ratio, surface.coverage, size);
  const out = new Float32Array(plane * 3);
  for (let j = 0; j < plane; j += 1) {
    const w = surface.coverage[j];
    for (let c = 0; c < 3; c += 1) {
      const r = w * ratio[c * plane + j] + (1 - w) * outside[c * plane + j];
      const scaled = strength === 1 ? r : Math.max(r, 1e-4) ** strength;
      out[c * plane + j] = Math.min(1, Math.max(0, image.data[c * plane + j] * scaled));
    }
  }
  return { image: { size, data: out }, validity: face.validity };
}

/**
 * The face's shading ratio carried over hair, ears, neck and background: a normalised convolution
 * (blur of ratio × coverage over blur of coverage) at quarter resolution, so a lamp on the left
 * brightens the left of the head too, with no edge where the mesh ends.
 */
function extendOutward(ratio: Float32Array, coverage: Float32Array, size: number): Float32Array {
  const plane = size * size;
  const low = Math.max(4, Math.floor(size / 4));
  const cell = size / low;
  const weight = new Float32Array(low * low);
  const sums = [new Float32Array(low * low), new Float32Array(low * low), new Float32Array(low * low)];
  for (let j = 0; j < plane; j += 1) {
    const w = coverage[j];
    if (w <= 0) continue;
    const k = Math.min(low - 1, Math.floor(Math.floor(j / size) / cell)) * low + Math.min(low - 1, Math.floor((j % size) / cell));
    weight[k] += w;
    for (let c = 0; c < 3; c += 1) sums[c][k] += w * ratio[c * plane + j];
  }
  const radius = Math.max(1, Math.round(low / 10));
  let blurredWeight: Float32Array = weight;
  let blurred: Float32Array[] = sums;
  for (let pass = 0; pass < 3; pass += 1) {
    blurredWeight = boxBlur(blurredWeight, low, radius);
    blurred = blurred.map((b) => boxBlur(b, low, radius));
  }
  let totalWeight = 0;
  const totals = [0, 0, 0];
  for (let k = 0; k < low * low; k += 1) {
    totalWeight += weight[k];
    for (let c = 0; c < 3; c += 1) totals[c] += sums[c][k];
  }
  const lowRatio = new Float32Array(low * low * 3);
  for (let k = 0; k < low * low; k += 1) {
    // Far from the face the blur has nothing to say: the face's mean ratio takes over smoothly.
    const confidence = Math.min(1, blurredWeight[k] / (0.05 * cell * cell));
    for (let c = 0; c < 3; c += 1) {
      const mean = totals[c] / Math.max(totalWeight, 1e-9);
      const local = blurredWeight[k] > 1e-9 ? blurred[c][k] / blurredWeight[k] : mean;
      // Hair and background sit further from the lamp's sharp falloff than skin: half the local
      // contrast (in log terms), so a lit cheek does not spill a bright halo onto a pale wall.
      const softened = mean * Math.sqrt(Math.max(local, 1e-4) / Math.max(mean, 1e-4));
      lowRatio[c * low * low + k] = confidence * softened + (1 - confidence) * mean;
    }
  }
  const out = new Float32Array(plane * 3);
  for (let y = 0; y < size; y += 1) {
    const sy = Math.min(low - 1, Math.max(0, (y + 0.5) / cell - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(low - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < size; x += 1) {
      const sx = Math.min(low - 1, Math.max(0, (x + 0.5) / cell - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(low - 1, x0 + 1);
      const fx = sx - x0;
      for (let c = 0; c < 3; c += 1) {
        const o = c * low * low;
        const top = lowRatio[o + y0 * low + x0] * (1 - fx) + lowRatio[o + y0 * low + x1] * fx;
        const bottom = lowRatio[o + y1 * low + x0] * (1 - fx) + lowRatio[o + y1 * low + x1] * fx;
        out[c * plane + y * size + x] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return out;
}

/** One-shot relighting of a source to one light; prefer prepare + render for many lights. */
export function relightFace(
  source: RelightSource,
  light: LightSpec,
  options: RelightOptions = {},
): RelitFace & { estimated: EstimatedLight } {
  const prepared = prepareRelight(source, options);
  return { ...renderRelight(prepared, light, options), estimated: prepared.estimated };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

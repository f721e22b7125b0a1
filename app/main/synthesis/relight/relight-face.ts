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
  /**
   * Wrapped diffuse term, max(0, (n·L + wrap) / (1 + wrap)): light reaching a little past the
   * terminator, as skin's subsurface scattering and the curvature FaceMesh's shallow mesh lacks
   * give real faces under side light. 0 is plain Lambert. Read when a face is prepared.
   */
  readonly wrap?: number;
}

/**
 * Depth and shadow strength chosen on Yale B01–B05 by the augmentation gain (bench/eval-augment.ts);
 * wrap there by brightness: with plain Lambert, faces relit to S4/S5 lamps came out 7 % / 17 %
 * darker than the real photos (mean luminance of the face), with 0.25 within 4 % in every subset.
 * B06–B10 are held out.
 */
export const DEFAULT_RELIGHT_OPTIONS: Required<RelightOptions> = { depthScale: 1, shadowStrength: 0.5, strength: 1, wrap: 0.25 };

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
  /** 1 / source shading per channel (3 × size²), the shading floored so the ratio never divides by nothing. */
  readonly inverseShading: Float32Array;
  /** How the face's change of light is carried past the mesh: light-independent, so built once. */
  readonly outward: OutwardGrid;
  /**
   * The face's mean fitted shading and its mean diffuse term under the estimated source lamp: a
   * target lamp gets the power that, from the source's direction and with the target's own
   * ambient, gives that mean shading. So a relit face is as bright as the real photo under that
   * lamp would be (same lamp, moved), not as bright as the source.
   */
  readonly exposure: { readonly meanShading: number; readonly diffuseMean: number };
  /** The wrap (RelightOptions.wrap) the face was prepared with; rendering uses the same. */
  readonly wrap: number;
  readonly lightColour: [number, number, number];
}

export interface RelitFace {
  readonly image: PlanarImage;
  /** The source's validity mask, unchanged: relighting moves no pixels. */
  readonly validity: Float32Array | null;
}

export function prepareRelight(source: RelightSource, options: RelightOptions = {}): PreparedFace {
  const { depthScale, wrap } = { ...DEFAULT_RELIGHT_OPTIONS, ...options };
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
  // Only the mesh has a normal, and only there is the ratio taken.
  const covered: number[] = [];
  for (let j = 0; j < plane; j += 1) if (surface.coverage[j] > 0) covered.push(j);
  for (const j of covered) {
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
    for (const j of covered) sourceShading[c * plane + j] = 1 / Math.max(floor, sourceShading[c * plane + j], 1e-3);
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
      lambertMean += diffuse(surface.normals[j] * dx + surface.normals[plane + j] * dy + surface.normals[2 * plane + j] * dz, wrap);
  }
  lambertMean /= Math.max(1, count);
  const lumaMean = (meanShading[0] + meanShading[1] + meanShading[2]) / 3 / Math.max(1, count);
  const ratio = lamp.intensity > 1e-6 ? Math.min(10, lamp.ambient / lamp.intensity) : 10;
  // The target lamp has the power that, from the estimated direction, gives the mean fitted shading:
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
    inverseShading: sourceShading,
    outward: outwardGrid(surface.coverage, size),
    exposure: { meanShading: lumaMean, diffuseMean: lambertMean },
    wrap,
    lightColour: colour,
  };
}

/**
 * Re-renders the face under `light` multiplicatively: every pixel is scaled by the ratio of the
 * target shading (ambient + lamp · max(0, n·L) · visibility) to the fitted source shading, per
 * channel, so skin texture, freckles and stubble stay and a shadow darkens them as real light
 * does. The lamp is as strong as the photo's own (see `PreparedFace.exposure`), moved.
 * Off the head the ratio fades to the face's mean ratio, so hair and background follow the overall
 * brightness change without face-shaped edges.
 */
export function renderRelight(face: PreparedFace, light: LightSpec, options: RelightOptions = {}): RelitFace {
  const { shadowStrength, strength } = { ...DEFAULT_RELIGHT_OPTIONS, ...options };
  const { surface, image, inverseShading } = face;
  const size = image.size;
  const plane = size * size;
  const toLight = lightDirection(light);
  const { ratio, visibility: shadowPlane } = scratchFor(size);
  ratio.fill(0);
  const visibility = shadowStrength > 0 ? castShadows(surface.height, size, toLight, shadowPlane) : null;
  const lamp = face.exposure.meanShading / Math.max(1e-3, light.ambient + face.exposure.diffuseMean);
  const ambient = lamp * light.ambient;
  const wrap = face.wrap;
  const gains = temperatureGains(light.temperature);
  const [cr, cg, cb] = face.lightColour.map((c, i) => c * gains[i]);
  const [lx, ly, lz] = toLight;
  const { normals: n, coverage } = surface;
  for (let j = 0; j < plane; j += 1) {
    if (coverage[j] <= 0) continue;
    const lambert = diffuse(n[j] * lx + n[plane + j] * ly + n[2 * plane + j] * lz, wrap);
    const visible = visibility ? 1 - shadowStrength * (1 - visibility[j]) : 1;
    const shading = ambient + lamp * lambert * visible;
    ratio[j] = Math.min(4, shading * cr * inverseShading[j]);
    ratio[plane + j] = Math.min(4, shading * cg * inverseShading[plane + j]);
    ratio[2 * plane + j] = Math.min(4, shading * cb * inverseShading[2 * plane + j]);
  }
  const grid = face.outward;
  const outside = extendOutward(ratio, grid, size);
  const { low, i0, i1, f } = grid;
  const out = new Float32Array(plane * 3);
  const power = strength === 1 ? null : strength;
  const data = image.data;
  const scale = (o: number, r: number) => {
    const v = data[o] * (power === null ? r : Math.max(r, 1e-4) ** power);
    out[o] = v < 0 ? 0 : v > 1 ? 1 : v;
  };
  for (let y = 0; y < size; y += 1) {
    const ya = i0[y] * low;
    const yb = i1[y] * low;
    const fy = f[y];
    for (let x = 0; x < size; x += 1) {
      const j = y * size + x;
      const w = coverage[j];
      if (w >= 1) {
        scale(j, ratio[j]);
        scale(plane + j, ratio[plane + j]);
        scale(2 * plane + j, ratio[2 * plane + j]);
        continue;
      }
      // Off the mesh and on its feathered edge: the ratio carried outward, bilinearly from the low grid.
      const a = ya + i0[x];
      const b = ya + i1[x];
      const d = yb + i0[x];
      const e = yb + i1[x];
      const fx = f[x];
      for (let c = 0, base = 0, o = j; c < 3; c += 1, base += low * low, o += plane) {
        const top = outside[base + a] * (1 - fx) + outside[base + b] * fx;
        const bottom = outside[base + d] * (1 - fx) + outside[base + e] * fx;
        scale(o, w * ratio[o] + (1 - w) * (top * (1 - fy) + bottom * fy));
      }
    }
  }
  return { image: { size, data: out }, validity: face.validity };
}

/**
 * Working planes of `renderRelight` that never leave it, kept per crop size: a variant then
 * allocates only its output, and the collector has a megabyte less per variant to reclaim.
 * Safe because rendering is synchronous: no two renders interleave.
 */
const scratch = new Map<number, { ratio: Float32Array; visibility: Float32Array }>();

function scratchFor(size: number): { ratio: Float32Array; visibility: Float32Array } {
  let planes = scratch.get(size);
  if (!planes) {
    planes = { ratio: new Float32Array(size * size * 3), visibility: new Float32Array(size * size) };
    scratch.set(size, planes);
  }
  return planes;
}

/**
 * The grid the face's shading ratio is carried outward on (hair, ears, neck, background): quarter
 * resolution cells, each with the mesh coverage it holds, and the bilinear taps back to pixels.
 */
export interface OutwardGrid {
  readonly low: number;
  readonly cell: number;
  /** Low-grid cell of each pixel the mesh covers, −1 elsewhere. */
  readonly cellOf: Int32Array;
  /** Covered pixels per cell. */
  readonly counts: Float32Array;
  /** Covered pixels per cell after a wide blur: how much face is near (for fading to the face's mean). */
  readonly near: Float32Array;
  /** Bilinear taps from a pixel row or column to the low grid (same both ways: the crop is square). */
  readonly i0: Int32Array;
  readonly i1: Int32Array;
  readonly f: Float32Array;
}

function outwardGrid(coverage: Float32Array, size: number): OutwardGrid {
  const plane = size * size;
  const low = Math.max(4, Math.floor(size / 4));
  const cell = size / low;
  const cellOf = new Int32Array(plane).fill(-1);
  const counts = new Float32Array(low * low);
  for (let j = 0; j < plane; j += 1) {
    if (coverage[j] <= 0) continue;
    const k = Math.min(low - 1, Math.floor(Math.floor(j / size) / cell)) * low + Math.min(low - 1, Math.floor((j % size) / cell));
    cellOf[j] = k;
    counts[k] += 1;
  }
  const radius = Math.max(1, Math.round(low / 10));
  let near: Float32Array = counts;
  for (let pass = 0; pass < 3; pass += 1) near = boxBlur(near, low, radius);
  const i0 = new Int32Array(size);
  const i1 = new Int32Array(size);
  const f = new Float32Array(size);
  for (let x = 0; x < size; x += 1) {
    const s = Math.min(low - 1, Math.max(0, (x + 0.5) / cell - 0.5));
    i0[x] = Math.floor(s);
    i1[x] = Math.min(low - 1, i0[x] + 1);
    f[x] = s - i0[x];
  }
  return { low, cell, cellOf, counts, near, i0, i1, f };
}

/**
 * The face's shading ratio carried over hair, ears, neck and background on the low grid, by
 * push-pull (normalised averages over ever larger cells, filled back from coarse to fine): next to
 * the mesh a pixel takes the ratio of the face right beside it, so the feathered mesh edge leaves no
 * seam, and further out ever wider averages of the face take over.
 */
function extendOutward(ratio: Float32Array, grid: OutwardGrid, size: number): Float32Array {
  const plane = size * size;
  const { low, cell, cellOf, counts, near } = grid;
  const cells = low * low;
  const sums = new Float32Array(cells * 3);
  for (let j = 0; j < plane; j += 1) {
    const k = cellOf[j];
    if (k < 0) continue;
    sums[k] += ratio[j];
    sums[cells + k] += ratio[plane + j];
    sums[2 * cells + k] += ratio[2 * plane + j];
  }
  const totals = [0, 0, 0];
  let totalCount = 0;
  for (let k = 0; k < cells; k += 1) {
    totalCount += counts[k];
    for (let c = 0; c < 3; c += 1) totals[c] += sums[c * cells + k];
  }
  const out = new Float32Array(cells * 3);
  for (let c = 0; c < 3; c += 1) {
    const mean = totalCount > 0 ? totals[c] / totalCount : 1;
    const filled = boxBlur(pushPull(sums.subarray(c * cells, (c + 1) * cells), counts, low, cell * cell), low, 1);
    for (let k = 0; k < cells; k += 1) {
      // Far from the face nothing is said about the light: the face's mean ratio takes over smoothly.
      const confidence = Math.min(1, near[k] / (0.05 * cell * cell));
      // Hair and background sit further from the lamp's sharp falloff than skin: away from the mesh
      // half the local contrast (in log terms), so a lit cheek does not spill a bright halo onto a
      // pale wall; beside the mesh all of it, so skin and what borders it agree.
      const exponent = 0.5 + 0.5 * Math.min(1, near[k] / (0.5 * cell * cell));
      const softened = mean * (Math.max(filled[k], 1e-4) / Math.max(mean, 1e-4)) ** exponent;
      out[c * cells + k] = confidence * softened + (1 - confidence) * mean;
    }
  }
  return out;
}

/**
 * Push-pull fill of a `side`² grid from per-cell sums and counts (Gortler et al.): averages over
 * ever coarser cells (pull), then each cell keeps its own average as far as it is covered and takes
 * the coarser level's, bilinearly, for the rest (push). `full` is a fully covered cell's count.
 */
function pushPull(sums: Float32Array, counts: Float32Array, side: number, full: number): Float32Array {
  const levels: { side: number; sums: Float32Array; counts: Float32Array; full: number }[] = [{ side, sums, counts, full }];
  while (levels.at(-1)!.side > 1) {
    const fine = levels.at(-1)!;
    const next = Math.ceil(fine.side / 2);
    const s = new Float32Array(next * next);
    const n = new Float32Array(next * next);
    for (let y = 0; y < fine.side; y += 1) {
      for (let x = 0; x < fine.side; x += 1) {
        const k = (y >> 1) * next + (x >> 1);
        s[k] += fine.sums[y * fine.side + x];
        n[k] += fine.counts[y * fine.side + x];
      }
    }
    levels.push({ side: next, sums: s, counts: n, full: fine.full * 4 });
  }
  const top = levels.at(-1)!;
  let values = Float32Array.of(top.counts[0] > 0 ? top.sums[0] / top.counts[0] : 1);
  for (let l = levels.length - 2; l >= 0; l -= 1) {
    const { side: m, sums: s, counts: n, full: f } = levels[l];
    const parent = levels[l + 1].side;
    const filled = new Float32Array(m * m);
    for (let y = 0; y < m; y += 1) {
      const py = Math.min(parent - 1, Math.max(0, (y + 0.5) / 2 - 0.5));
      const y0 = Math.floor(py);
      const y1 = Math.min(parent - 1, y0 + 1);
      const fy = py - y0;
      for (let x = 0; x < m; x += 1) {
        const px = Math.min(parent - 1, Math.max(0, (x + 0.5) / 2 - 0.5));
        const x0 = Math.floor(px);
        const x1 = Math.min(parent - 1, x0 + 1);
        const fx = px - x0;
        const coarse =
          (values[y0 * parent + x0] * (1 - fx) + values[y0 * parent + x1] * fx) * (1 - fy) +
          (values[y1 * parent + x0] * (1 - fx) + values[y1 * parent + x1] * fx) * fy;
        const k = y * m + x;
        // A cell half covered is trusted fully: it sits on the mesh edge, where the match matters.
        const a = Math.min(1, (2 * n[k]) / f);
        filled[k] = a > 0 ? a * (s[k] / n[k]) + (1 - a) * coarse : coarse;
      }
    }
    values = filled;
  }
  return values;
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

/** The diffuse term for cos θ = n·L, wrapped past the terminator by `wrap`. */
function diffuse(cosine: number, wrap: number): number {
  const d = (cosine + wrap) / (1 + wrap);
  return d > 0 ? d : 0;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

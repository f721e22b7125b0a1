import { axpy, dot, orthonormalize } from '../math/dense-linear-algebra.ts';
import type { FaceSource, SourceFace } from '../sources/face-source.ts';
import { boxDownsample, resizePlanar } from '../packs/image-tensor.ts';
import type { AppearanceLayer, AppearanceModel } from './appearance-model.ts';
import { randomizedPca } from '../math/randomized-pca.ts';
import { defaultPackParts } from './default-pack-layout.ts';
import { yieldToEventLoop } from '../../core/event-loop.ts';
import { leastSquaresEncoder } from './least-squares-encoder.ts';
import { fitLightingDirections, lightingAttributes } from './lighting-directions.ts';
import { buildRegionMasks, type RegionName } from '../edits/region-masks.ts';

export interface AppearanceFitOptions {
  readonly outputSize: number;
  /** Bases are learnt at this size and upsampled: the model holds low-frequency appearance, the photo keeps its detail. */
  readonly fitSize: number;
  readonly illuminationComponents: number;
  readonly regionComponents: number;
  /** Faces beyond this are subsampled evenly; the basis barely changes past a thousand. */
  readonly maxFaces: number;
  /** Person masks are averaged into one hair/background layout; this many evenly spread faces suffice. */
  readonly personMaskSamples: number;
  readonly signal?: AbortSignal;
  readonly progress?: (fraction: number, message: string) => void;
}

export const defaultFitOptions: AppearanceFitOptions = {
  outputSize: 128,
  fitSize: 64,
  illuminationComponents: 8,
  regionComponents: 16,
  maxFaces: 1200,
  personMaskSamples: 48,
};

const ILLUMINATION_GRID = 16;

/** Fits the default generator on a project's aligned faces. Deterministic for the same faces. */
export async function fitAppearanceModel(
  source: FaceSource,
  faces: readonly SourceFace[],
  options: AppearanceFitOptions = defaultFitOptions,
): Promise<AppearanceModel> {
  const { outputSize, fitSize } = options;
  if (outputSize % fitSize !== 0) throw new Error(`outputSize ${outputSize} must be a multiple of fitSize ${fitSize}`);
  const sample = evenSample(
    [...faces].sort((a, b) => a.faceId - b.faceId),
    options.maxFaces,
  );
  if (sample.length < 4) throw new Error(`the default generator needs at least 4 aligned faces to fit, found ${sample.length}`);
  const report = options.progress ?? (() => undefined);
  const n = sample.length;
  const p = 3 * fitSize * fitSize;
  const pOut = 3 * outputSize * outputSize;

  const images = new Float32Array(n * p);
  const meanOut = new Float64Array(pOut);
  const landmarkSum = new Float64Array(468 * 2);
  let landmarkCount = 0;
  const personSum = new Float64Array(fitSize * fitSize);
  let personCount = 0;
  for (let i = 0; i < n; i += 1) {
    options.signal?.throwIfAborted();
    const face = sample[i];
    const crop = await source.alignedCrop(face.faceId, outputSize);
    for (let j = 0; j < pOut; j += 1) meanOut[j] += crop.data[j];
    images.set(boxDownsample(crop.data, outputSize, fitSize), i * p);
    const landmarks = await source.templateLandmarks(face.faceId, fitSize);
    if (landmarks) {
      for (let j = 0; j < landmarkSum.length; j += 1) landmarkSum[j] += landmarks[j];
      landmarkCount += 1;
    }
    const maskEvery = Math.max(1, Math.floor(n / options.personMaskSamples));
    const person = i % maskEvery === 0 ? await source.personMask(face.faceId, fitSize) : null;
    if (person) {
      for (let j = 0; j < personSum.length; j += 1) personSum[j] += person[j];
      personCount += 1;
    }
    if (i % 16 === 0) report((0.4 * i) / n, `reading aligned faces ${i}/${n}`);
  }
  report(0.4, `read ${n} aligned faces`);
  const mean = Float32Array.from(meanOut, (v) => v / n);
  const masks = buildRegionMasks(
    fitSize,
    landmarkCount > 0 ? Float32Array.from(landmarkSum, (v) => v / landmarkCount) : null,
    personCount > 0 ? Float32Array.from(personSum, (v) => v / personCount) : null,
  );
  const meanFit = boxDownsample(mean, outputSize, fitSize);
  const attributes = Array.from({ length: n }, (_, i) => lightingAttributes(images.subarray(i * p, (i + 1) * p), fitSize, masks));
  for (let i = 0; i < n; i += 1) {
    const row = images.subarray(i * p, (i + 1) * p);
    for (let j = 0; j < p; j += 1) row[j] -= meanFit[j];
  }

  report(0.45, 'fitting illumination');
  await yieldToEventLoop();
  const personWeight = Float32Array.from(masks.background, (b) => 1 - 0.9 * b);
  const illumination = fitIllumination(images, sample, fitSize, personWeight, options.illuminationComponents);
  const illuminationCodes: Float32Array[] = [];
  for (let i = 0; i < n; i += 1) {
    const row = images.subarray(i * p, (i + 1) * p);
    const code = Float32Array.from(illumination, (g) => dot(g, row));
    illumination.forEach((g, c) => axpy(-code[c], g, row));
    illuminationCodes.push(code);
  }
  const residuals = images;

  const layersFit: { name: string; edit: AppearanceLayer['edit']; label: string; basis: Float32Array[] }[] = [];
  for (const [l, layer] of defaultPackParts.entries()) {
    if (layer.name === 'illumination') {
      layersFit.push({ ...layer, basis: illumination });
      continue;
    }
    options.signal?.throwIfAborted();
    report(0.5 + (0.3 * l) / defaultPackParts.length, `fitting ${layer.name}`);
    await yieldToEventLoop();
    layersFit.push({
      ...layer,
      basis: fitRegion(
        residuals,
        n,
        fitSize,
        masks[layer.name as RegionName],
        options.regionComponents,
        coarseRegions.has(layer.name) ? 2 : 1,
      ),
    });
  }

  report(0.82, 'building the encoder');
  await yieldToEventLoop();
  const width = Math.max(options.illuminationComponents, options.regionComponents);
  const layers: AppearanceLayer[] = [];
  for (const layer of layersFit) {
    layers.push({
      name: layer.name,
      edit: layer.edit,
      label: layer.label,
      basis: layer.basis.map((b) => resizePlanar({ size: fitSize, data: b }, outputSize).data),
    });
    await yieldToEventLoop();
  }
  const { encoder, encoderBias } = await leastSquaresEncoder(layers, width, mean, pOut);

  const directions = fitLightingDirections(illuminationCodes, attributes, width);
  report(1, 'fitted');
  return {
    outputSize,
    width,
    mean,
    layers,
    encoder,
    encoderBias,
    directions,
    fittedFaces: n,
    fittedIdentities: new Set(sample.map((f) => f.identityId).filter((id) => id !== null)).size,
  };
}

/**
 * Illumination = the low-frequency way a face varies while its identity stays: PCA of each
 * face's blurred deviation from its identity's mean (Yale's 64 lights per person make this
 * exactly the lighting space). Without identities it falls back to deviations from the global mean.
 */
function fitIllumination(
  centred: Float32Array,
  faces: readonly SourceFace[],
  size: number,
  weight: Float32Array,
  k: number,
): Float32Array[] {
  const n = faces.length;
  const p = 3 * size * size;
  const groups = new Map<number, number[]>();
  faces.forEach((face, i) => {
    if (face.identityId === null) return;
    const members = groups.get(face.identityId) ?? [];
    members.push(i);
    groups.set(face.identityId, members);
  });
  const grouped = [...groups.values()].filter((m) => m.length > 1);
  const rowsOf = grouped.length > 0 ? grouped : [Array.from({ length: n }, (_, i) => i)];
  const grid = ILLUMINATION_GRID;
  const q = 3 * grid * grid;
  const count = rowsOf.reduce((s, m) => s + m.length, 0);
  const low = new Float32Array(count * q);
  let row = 0;
  for (const members of rowsOf) {
    const groupMean = new Float32Array(p);
    for (const i of members) axpy(1 / members.length, centred.subarray(i * p, (i + 1) * p), groupMean);
    for (const i of members) {
      const deviation = new Float32Array(p);
      const src = centred.subarray(i * p, (i + 1) * p);
      for (let j = 0; j < p; j += 1) deviation[j] = (src[j] - groupMean[j]) * weight[j % (size * size)];
      low.set(boxDownsample(deviation, size, grid), row * q);
      row += 1;
    }
  }
  const { components } = randomizedPca(low, count, q, k);
  const smooth = components.map((c) => {
    const up = resizePlanar({ size: grid, data: c }, size).data;
    for (let j = 0; j < p; j += 1) up[j] *= weight[j % (size * size)];
    return up;
  });
  return orthonormalize(smooth);
}

/** Hair and background vary slowly across the template: learning them at half the fit size costs a quarter. */
const coarseRegions: ReadonlySet<string> = new Set(['hair', 'background']);

/**
 * PCA of the residuals inside one soft region mask; basis images are zero outside it. With
 * `factor` > 1 the PCA runs on box-downsampled residuals and the axes are upsampled back,
 * re-masked and re-orthonormalised.
 */
function fitRegion(residuals: Float32Array, n: number, size: number, mask: Float32Array, k: number, factor = 1): Float32Array[] {
  const low = size / factor;
  const lowPlane = low * low;
  const lowMask = factor === 1 ? mask : boxDownsampleMask(mask, size, low);
  const support: number[] = [];
  for (let c = 0; c < 3; c += 1) for (let j = 0; j < lowPlane; j += 1) if (lowMask[j] > 0.02) support.push(c * lowPlane + j);
  const m = support.length;
  if (m === 0) return [];
  const rows = new Float32Array(n * m);
  const p = 3 * size * size;
  for (let i = 0; i < n; i += 1) {
    const residual = residuals.subarray(i * p, (i + 1) * p);
    const image = factor === 1 ? residual : boxDownsample(residual, size, low);
    for (let s = 0; s < m; s += 1) rows[i * m + s] = image[support[s]] * lowMask[support[s] % lowPlane];
  }
  const { components } = randomizedPca(rows, n, m, k);
  const axes = components.map((c) => {
    const full = new Float32Array(3 * lowPlane);
    for (let s = 0; s < m; s += 1) full[support[s]] = c[s];
    return full;
  });
  if (factor === 1) return axes;
  const plane = size * size;
  return orthonormalize(
    axes.map((axis) => {
      const up = resizePlanar({ size: low, data: axis }, size).data;
      for (let j = 0; j < p; j += 1) up[j] = mask[j % plane] > 0.02 ? up[j] * mask[j % plane] : 0;
      return up;
    }),
  );
}

function boxDownsampleMask(mask: Float32Array, size: number, target: number): Float32Array {
  const planar = new Float32Array(3 * size * size);
  planar.set(mask);
  return boxDownsample(planar, size, target).subarray(0, target * target);
}

function evenSample<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  return Array.from({ length: max }, (_, i) => items[Math.floor((i * items.length) / max)]);
}

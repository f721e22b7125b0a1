import sharp from 'sharp';
import { rgbFromPlanar, type PlanarImage } from '../packs/image-tensor.ts';
import type { GridSampler } from './grid-sampler.ts';
import { stretchDepth, turnMesh, type HeadRotation } from './head-rotation.ts';
import { NEIGHBOURS, planMeshWarp, type MeshWarp, type MeshWarpOptions } from './mesh-warp.ts';

/** A crop with its FaceMesh points (468 × x, y, z in crop pixels) and which of its pixels are photo. */
export interface MeshFace {
  readonly image: PlanarImage;
  readonly mesh: Float32Array;
  /** 1 photo, 0 padding per pixel; null: all photo. */
  readonly validity: Float32Array | null;
}

/** A re-rendered face: the image, its validity (what is photo, not padding or an unfillable hole), its mesh. */
export interface MeshRendered {
  readonly image: PlanarImage;
  readonly validity: Float32Array;
  /** The target mesh re-projected into the crop: the variant's landmarks. */
  readonly mesh: Float32Array;
  /** Per mesh point: 1 inside the crop and visible, 0 where it left the crop or is hidden. */
  readonly landmarkValid: Uint8Array;
}

/**
 * Re-renders `face` with its mesh moved to `target`: the backward map from `planMeshWarp`, the
 * colour and validity channels resampled together through it (and through its mirror map) by the
 * GridSample worker, the mirrored half blended in where the source saw the surface badly.
 */
export async function renderMeshWarp(
  face: MeshFace,
  target: Float32Array,
  sampler: GridSampler,
  options: MeshWarpOptions = {},
): Promise<MeshRendered> {
  return (await renderPlanned(face, target, sampler, options)).rendered;
}

/**
 * `renderMeshWarp`, with the plan it rendered; `ownLight`: the mirrored fill takes the brightness of
 * the pixels it fills (`shadingGain`), as a turn's fill of the far-lit cheek must (expressions, whose
 * fill is tuned on its own, leave it off).
 */
async function renderPlanned(
  face: MeshFace,
  target: Float32Array,
  sampler: GridSampler,
  options: MeshWarpOptions = {},
  ownLight = false,
): Promise<{ rendered: MeshRendered; warp: MeshWarp }> {
  const size = face.image.size;
  const plane = size * size;
  const warp = planMeshWarp(face.mesh, target, size, options);
  // A copy: the sampler hands its buffer to the worker.
  const stacked = stackedChannels(face).slice();
  // The mirror map only matters where it is blended in: its band of columns is all that is sampled.
  let first = size;
  let end = 0;
  for (let j = 0; j < plane; j += 1) {
    if (warp.mirrorWeight[j] <= 0) continue;
    const x = j % size;
    if (x < first) first = x;
    if (x + 1 > end) end = x + 1;
  }
  const [band0, band1] = [Math.min(first, end), end];
  const bandWidth = band1 - band0;
  const [direct, mirror] = await sampler.sample(stacked, 4, size, [{ map: warp.direct }, { map: warp.mirror, columns: [band0, band1] }]);
  const image = direct.slice(0, plane * 3);
  const gain = ownLight
    ? shadingGain(direct, mirror, warp.mirrorWeight, size, band0, bandWidth)
    : new Float32Array(3 * size * bandWidth).fill(1);
  const validity = new Float32Array(plane);
  for (let j = 0; j < plane; j += 1) {
    const w = warp.mirrorWeight[j];
    // Sampling past the crop's edge clamps to the border pixel, which is not photo there.
    if (w === 0) {
      validity[j] = inCrop(warp.direct, j, plane, size) && warp.hole[j] === 0 && direct[3 * plane + j] >= 0.5 ? 1 : 0;
      continue;
    }
    // The mirror's samples come at its band's width.
    const m = Math.floor(j / size) * bandWidth + (j % size) - band0;
    const bandPlane = size * bandWidth;
    for (let c = 0; c < 3; c += 1)
      image[c * plane + j] = (1 - w) * direct[c * plane + j] + w * gain[c * bandPlane + m] * mirror[c * bandPlane + m];
    const inside = inCrop(warp.direct, j, plane, size) && inCrop(warp.mirror, j, plane, size);
    const real = (1 - w) * direct[3 * plane + j] + w * mirror[3 * bandPlane + m];
    validity[j] = inside && warp.hole[j] === 0 && real >= 0.5 ? 1 : 0;
  }
  // A point that lands on a pixel that is not photo (padding, a hole) is not a landmark to train on.
  const landmarkValid = Uint8Array.from(warp.landmarkValid, (valid, p) =>
    valid && validity[Math.floor(target[p * 3 + 1]) * size + Math.floor(target[p * 3])] === 1 ? 1 : 0,
  );
  return { rendered: { image: { size, data: image }, validity, mesh: target, landmarkValid }, warp };
}

/** A face pixel whose source footprint is this many times longer along one axis than the other is evened out. */
const STREAK_RATIO = 1.5;
/** The widest average (in output pixels either side) that evens out a stretch. */
const STREAK_REACH = 4;

/**
 * The face's pixels where the turn stretched the source more along one axis than the other (the
 * near cheek, which the source saw at a grazing angle, widened two- or threefold), averaged along
 * the other axis over as many pixels as the stretch spans. Resampled bilinearly, such a band keeps
 * the source's full detail across the stretch and none along it, and each source row came out as a
 * streak; the photo holds no more detail there than the stretch leaves, so the band is given that
 * resolution both ways. Only face pixels are averaged, so the outline stays sharp.
 */
function evenResolution(image: Float32Array, map: Float32Array, covered: Uint8Array, size: number): Float32Array {
  const plane = size * size;
  const out = image.slice();
  for (let y = 0; y < size - 1; y += 1)
    for (let x = 0; x < size - 1; x += 1) {
      const j = y * size + x;
      if (!covered[j]) continue;
      // Source pixels crossed per output pixel along x and along y (the columns of the map's Jacobian).
      const xx = map[j + 1] - map[j];
      const xy = map[plane + j + 1] - map[plane + j];
      const yx = map[j + size] - map[j];
      const yy = map[plane + j + size] - map[plane + j];
      const alongX = Math.sqrt(xx * xx + xy * xy);
      const alongY = Math.sqrt(yx * yx + yy * yy);
      if (!(alongX > 0 && alongY > 0)) continue;
      // Stretched along x (each output step crosses less of the source): average along y, and the other way.
      const ratio = alongY / alongX;
      const acrossY = ratio >= STREAK_RATIO;
      if (!acrossY && 1 / ratio < STREAK_RATIO) continue;
      const r = Math.min(STREAK_REACH, Math.round(((acrossY ? ratio : 1 / ratio) - 1) / 2));
      if (r === 0) continue;
      const stride = acrossY ? size : 1;
      const along = acrossY ? y : x;
      const first = Math.max(-r, -along);
      const last = Math.min(r, size - 1 - along);
      for (let c = 0; c < 3; c += 1) {
        let sum = 0;
        let count = 0;
        for (let k = first; k <= last; k += 1) {
          const i = j + k * stride;
          if (!covered[i]) continue;
          sum += image[c * plane + i];
          count += 1;
        }
        out[c * plane + j] = sum / count;
      }
    }
  return out;
}

/** Radius in pixels of the neighbourhood whose brightness the mirrored fill takes on (`shadingGain`). */
const SHADING_RADIUS = 10;
/** The most the fill's brightness is changed, either way: past it the two halves show different things, not different light. */
const SHADING_LIMIT = 2;

/**
 * Per colour and pixel of the mirror's band: the factor that gives the mirrored samples the
 * brightness the face's own pixels have around them (their weighted local means' ratio). The other
 * half of the face is lit differently whenever the light is not frontal, and copied as it is, the
 * fill showed that light: a pale patch on a shaded cheek. The own pixels there are the source's
 * stretched, foreshortened view of the surface, streaky but lit as that side is; the mirror keeps
 * its detail and takes their light.
 */
function shadingGain(
  direct: Float32Array,
  mirror: Float32Array,
  weight: Float32Array,
  size: number,
  band0: number,
  width: number,
): Float32Array {
  const plane = size * size;
  const bandPlane = size * width;
  const gain = new Float32Array(3 * bandPlane).fill(1);
  if (width === 0) return gain;
  const own = new Float64Array(bandPlane);
  const other = new Float64Array(bandPlane);
  for (let c = 0; c < 3; c += 1) {
    for (let y = 0; y < size; y += 1)
      for (let x = 0; x < width; x += 1) {
        const m = y * width + x;
        const w = weight[y * size + band0 + x];
        own[m] = w * direct[c * plane + y * size + band0 + x];
        other[m] = w * mirror[c * bandPlane + m];
      }
    const ownMean = boxSum(own, width, size, SHADING_RADIUS);
    const otherMean = boxSum(other, width, size, SHADING_RADIUS);
    for (let m = 0; m < bandPlane; m += 1) {
      if (!(otherMean[m] > 1e-6)) continue;
      gain[c * bandPlane + m] = Math.min(SHADING_LIMIT, Math.max(1 / SHADING_LIMIT, ownMean[m] / otherMean[m]));
    }
  }
  return gain;
}

/** Sums over the (2 radius + 1)² box around each pixel of a width × height image, cut at its edges. */
function boxSum(values: Float64Array, width: number, height: number, radius: number): Float64Array {
  const rows = new Float64Array(values.length);
  for (let y = 0; y < height; y += 1) {
    let sum = 0;
    for (let x = 0; x < Math.min(radius, width); x += 1) sum += values[y * width + x];
    for (let x = 0; x < width; x += 1) {
      if (x + radius < width) sum += values[y * width + x + radius];
      if (x - radius - 1 >= 0) sum -= values[y * width + x - radius - 1];
      rows[y * width + x] = sum;
    }
  }
  const out = new Float64Array(values.length);
  for (let x = 0; x < width; x += 1) {
    let sum = 0;
    for (let y = 0; y < Math.min(radius, height); y += 1) sum += rows[y * width + x];
    for (let y = 0; y < height; y += 1) {
      if (y + radius < height) sum += rows[(y + radius) * width + x];
      if (y - radius - 1 >= 0) sum -= rows[(y - radius - 1) * width + x];
      out[y * width + x] = sum;
    }
  }
  return out;
}

/** The face's colour planes and its validity as one 4-channel image, made once per crop. */
const stackedFaces = new WeakMap<Float32Array, { validity: Float32Array | null; stacked: Float32Array }>();

function stackedChannels(face: MeshFace): Float32Array {
  const cached = stackedFaces.get(face.image.data);
  if (cached && cached.validity === face.validity) return cached.stacked;
  const plane = face.image.size * face.image.size;
  const stacked = new Float32Array(plane * 4);
  stacked.set(face.image.data);
  if (face.validity) stacked.set(face.validity, plane * 3);
  else stacked.fill(1, plane * 3);
  stackedFaces.set(face.image.data, { validity: face.validity, stacked });
  return stacked;
}

function inCrop(map: Float32Array, j: number, plane: number, size: number): boolean {
  const x = map[j];
  const y = map[plane + j];
  return x >= 0 && y >= 0 && x <= size && y <= size;
}

/** Side of the crop pose variants are made at (the aligned-crop size for synthesis). */
export const POSE_CROP_SIZE = 256;

/**
 * Depth stretch of the mesh a pose edit turns (see `stretchDepth`). FaceMesh's own depth (1) won on
 * eval:pose (lfw/dev, 30 people, 127 pairs) against 1.6: landmark error to the real turned photo
 * 0.047 vs 0.052 (20–30°), identity cosine to it 0.942 vs 0.937, face found again 99.4 % vs 97.2 %;
 * deeper stretches turn the face further in FaceMesh's eyes (johns) but distort it more.
 */
export const POSE_DEPTH_SCALE = 1;

/**
 * The face turned by `rotation` about its own centroid, as `turnMesh` turns its mesh. The image is
 * rendered from the mesh with its depth stretched to a head's (`POSE_DEPTH_SCALE`); the landmarks it
 * returns keep FaceMesh's own depth scale, so their measured pose (`meshPose`) is the source's plus
 * the rotation. What the turn stretched is given the resolution the stretch leaves it (`evenResolution`).
 */
export async function renderPose(
  face: MeshFace,
  rotation: HeadRotation,
  sampler: GridSampler,
  depthScale = POSE_DEPTH_SCALE,
): Promise<MeshRendered> {
  const { deep, target, flat, options } = poseWarpInputs(face.mesh, rotation, depthScale);
  const { rendered, warp } = await renderPlanned({ ...face, mesh: deep }, target, sampler, options, true);
  const mesh = Float32Array.from(rendered.mesh);
  for (let p = 2; p < mesh.length; p += 3) mesh[p] = flat[p];
  const size = face.image.size;
  const image = evenResolution(rendered.image.data, warp.direct, warp.covered, size);
  smoothOcclusionEdges(image, rendered.validity, warp);
  return { ...rendered, image: { size, data: image }, mesh };
}

/** The meshes and options a turn's warp is planned with: positions at `depthScale`, the surface at FaceMesh's own depth. */
function poseWarpInputs(mesh: Float32Array, rotation: HeadRotation, depthScale: number) {
  const deep = stretchDepth(mesh, depthScale);
  const flat = turnMesh(mesh, rotation);
  const options: MeshWarpOptions = { surface: { source: mesh, target: flat }, headTurn: true };
  return { deep, target: turnMesh(deep, rotation), flat, options };
}

/**
 * The share of the turned face (the crop's pixels a face triangle lands on) that `renderPose` would
 * fill from the face's mirrored half (`MeshWarp.mirrorWeight`, summed): the side the photo hides,
 * which the turn brings into view. Planned as `renderPose` plans it, on the mesh alone (no pixels
 * are sampled), so a turn can be judged before it is rendered.
 */
export function mirroredFillShare(mesh: Float32Array, rotation: HeadRotation, size: number, depthScale = POSE_DEPTH_SCALE): number {
  const { deep, target, options } = poseWarpInputs(mesh, rotation, depthScale);
  const warp = planMeshWarp(deep, target, size, options);
  let face = 0;
  let mirrored = 0;
  for (let j = 0; j < size * size; j += 1) {
    if (!warp.covered[j]) continue;
    face += 1;
    mirrored += warp.mirrorWeight[j];
  }
  return face === 0 ? 0 : mirrored / face;
}

/**
 * Each pixel along an occlusion edge (in place) given the colour of the surface behind the edge (its photo
 * neighbours across it, averaged) for the share of its area that surface covers
 * (`MeshWarp.edgeCoverage`): the coverage-weighted colour a camera's pixel would record. Decided by
 * its centre alone, each pixel showed one surface or the other, and the nose's silhouette over the
 * far cheek and the face's far outline came out as staircases of whole pixels.
 */
export function smoothOcclusionEdges(image: Float32Array, validity: Float32Array, warp: MeshWarp): void {
  const { size, edgeCoverage, edgeOther } = warp;
  const plane = size * size;
  const offsets = NEIGHBOURS.map(([dx, dy]) => dy * size + dx);
  // Mixed from the colours as they were: written back once all are known.
  const mixed: number[] = [];
  for (let j = 0; j < plane; j += 1) {
    const cover = edgeCoverage[j];
    if (cover === 1 || validity[j] < 0.5) continue;
    let [r, g, b, across] = [0, 0, 0, 0];
    for (let k = 0; k < 8; k += 1) {
      const i = j + offsets[k];
      if ((edgeOther[j] & (1 << k)) === 0 || validity[i] < 0.5) continue;
      r += image[i];
      g += image[plane + i];
      b += image[2 * plane + i];
      across += 1;
    }
    if (across === 0) continue;
    const share = (1 - cover) / across;
    mixed.push(j, cover * image[j] + share * r, cover * image[plane + j] + share * g, cover * image[2 * plane + j] + share * b);
  }
  for (let m = 0; m < mixed.length; m += 4) for (let c = 0; c < 3; c += 1) image[c * plane + mixed[m]] = mixed[m + 1 + c];
}

/** A PNG for a person to look at: what is not photo (padding, unfillable holes) left transparent. */
export async function encodePreviewPng(image: PlanarImage, validity: Float32Array): Promise<Uint8Array> {
  const rgb = rgbFromPlanar(image);
  const plane = image.size * image.size;
  const rgba = new Uint8Array(plane * 4);
  for (let j = 0; j < plane; j += 1) {
    rgba.set(rgb.subarray(j * 3, j * 3 + 3), j * 4);
    rgba[j * 4 + 3] = validity[j] >= 0.5 ? 255 : 0;
  }
  const png = await sharp(rgba, { raw: { width: image.size, height: image.size, channels: 4 } })
    .png()
    .toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

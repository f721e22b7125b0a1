import type { Recipe } from '../edits/edit-recipe.ts';
import { EditGate } from '../edits/edit-gate.ts';
import type { CropFrame, FaceSource, IdentityScorer } from '../sources/face-source.ts';
import type { GeneratorPack, Latent } from '../packs/generator-pack.ts';
import { resizePlanar, type PlanarImage } from '../packs/image-tensor.ts';
import { applyOps, latentDistance } from '../edits/latent-edit.ts';
import { refineLatent } from '../default-generator/latent-refiner.ts';
import { encodeRgbPng, encodeVariantPng } from './png-encoding.ts';
import { cropFrame } from '../sources/project-identity-scorer.ts';
import { prepareRelight, RELIGHT_CROP_SIZE, renderRelight, type PreparedFace } from '../relight/relight-face.ts';
import { yieldToEventLoop } from '../../core/event-loop.ts';
import { sharedPromise } from '../../core/shared-promise.ts';
import { deriveSeed } from '../../core/seeded-random.ts';
import { renderOcclusion } from '../occlusion/render-occlusion.ts';
import type { GridSampler } from '../geometry/grid-sampler.ts';
import { POSE_CROP_SIZE, renderPose, type MeshFace, type MeshRendered } from '../geometry/mesh-render.ts';
import { renderExpression } from '../geometry/expression.ts';
import { scaledTurn } from '../geometry/head-rotation.ts';
import { pickMouthDonor, typicalOpenMouthGap, type MouthDonor } from '../geometry/mouth-cavity.ts';

export interface RenderedVariant {
  readonly recipe: Recipe;
  /**
   * The variant as encoded (quantised to 8 bits): at the faces' crop size for residual packs (the
   * edit is upsampled onto the full-resolution crop), else at the pack's output size.
   */
  readonly image: PlanarImage;
  readonly png: Uint8Array;
  /** The source's aligned crop at the same size, what identity and diversity are measured against. */
  readonly source: PlanarImage;
  /** How source and variant sit on the ArcFace template, and which of their pixels are real photo. */
  readonly frame: CropFrame;
  /** Latent distance of the edit; null for pixel-space edits (relighting) that use no latent. */
  readonly latentDeltaNorm: number | null;
  /** Mean absolute pixel difference to the source (0‥1): near 0 flags a near-duplicate. */
  readonly diversity: number;
  /**
   * For edits that move the face (pose): its re-projected mesh, 468 × (x, y, z, valid) in variant
   * pixels, valid 0 where a point left the crop or is hidden. Absent for edits that move nothing.
   */
  readonly landmarks?: Float32Array | null;
}

const CACHE_LIMIT = 256;

/** A relight source with everything its variants share. */
interface RelightSourceFace {
  readonly prepared: PreparedFace;
  /** The face mesh in crop pixels: occlusion draws in its 3D frame. */
  readonly mesh: Float32Array;
  readonly source: PlanarImage;
  readonly quantisedSource: PlanarImage;
  readonly frame: CropFrame;
}

/** A pose source with everything its turns share. */
interface MeshSourceFace extends PhotoMeshFace {
  readonly quantised: PlanarImage;
  readonly frame: CropFrame;
}

/** Turns rendering at once (see `render`): one planning on this thread, one resampling in the worker. */
const POSE_IN_FLIGHT = 2;
/** How many of a person's other photos (lowest face ids first) are looked at for an open mouth to lend. */
const MOUTH_DONOR_CANDIDATES = 64;

/** Refinement runs many forward passes per source: the job reports them so progress never stalls silently. */
export type RefineProgress = (sourceFaceId: number, iteration: number, iterations: number) => void;

/**
 * Turns recipes into images through a pack: invert every face involved (batched, cached), refine
 * sources when asked, apply the ops, synthesize (batched), compose. Composition follows the pack:
 * direct output, or residual (source + decode(edited) − decode(source)) to keep the photo's detail.
 */
export class VariantRenderer {
  readonly #pack: GeneratorPack | null;
  readonly #faces: FaceSource;
  readonly #scorer: IdentityScorer | null;
  readonly #latents: BoundedCache<string, Latent>;
  readonly #crops: BoundedCache<string, PlanarImage>;
  readonly #frames: BoundedCache<string, CropFrame>;
  readonly #reconstructions: BoundedCache<string, PlanarImage>;
  readonly #relightFaces: BoundedCache<number, Promise<RelightSourceFace>>;
  readonly #meshFaces: BoundedCache<number, Promise<MeshSourceFace>>;
  readonly #mouthDonors: BoundedCache<number, Promise<MouthDonor | null>>;
  /** The project's typical open-mouth lip gap (`typicalOpenMouthGap`), measured once, on the first opened mouth. */
  #typicalGap: Promise<number> | null = null;

  readonly #onRefine: RefineProgress | undefined;
  readonly #sampler: GridSampler | null;
  /** Side of the variants this renderer makes (see `RenderedVariant.image`). */
  readonly outputSize: number;
  /** What may be made, and how swaps are blended: at `outputSize`. */
  readonly gate: EditGate;

  /** `cacheLimit` bounds each cache (inversions, crops, reconstructions) in entries. */
  constructor(
    pack: GeneratorPack | null,
    faces: FaceSource,
    scorer: IdentityScorer | null,
    options: { cacheLimit?: number; onRefine?: RefineProgress; sampler?: GridSampler } = {},
  ) {
    const cacheLimit = options.cacheLimit ?? CACHE_LIMIT;
    this.#pack = pack;
    this.#faces = faces;
    this.#scorer = scorer;
    this.#onRefine = options.onRefine;
    this.#sampler = options.sampler ?? null;
    this.#latents = new BoundedCache(cacheLimit);
    this.#crops = new BoundedCache(cacheLimit);
    this.#frames = new BoundedCache(cacheLimit);
    this.#reconstructions = new BoundedCache(cacheLimit);
    this.#relightFaces = new BoundedCache(cacheLimit);
    this.#meshFaces = new BoundedCache(cacheLimit);
    this.#mouthDonors = new BoundedCache(cacheLimit);
    // Without a generator (a relight-only job) variants come out at the crops' size.
    this.outputSize = !pack
      ? faces.cropSize
      : pack.manifest.compose === 'residual'
        ? Math.max(pack.outputSize, faces.cropSize)
        : pack.outputSize;
    this.gate = new EditGate(faces, this.outputSize);
  }

  async render(recipes: readonly Recipe[], signal?: AbortSignal): Promise<RenderedVariant[]> {
    const isRelight = (recipe: Recipe) => recipe.ops.every((op) => op.type === 'relight' || op.type === 'occlusion');
    const isPose = (recipe: Recipe) => recipe.ops.every((op) => op.type === 'pose' || op.type === 'expression');
    const latent = await this.#renderLatent(
      recipes.filter((r) => !isRelight(r) && !isPose(r)),
      signal,
    );
    const results: Promise<RenderedVariant>[] = [];
    // Two turns in flight: the next one's warp is planned on this thread while the worker resamples
    // the last. Each variant depends on its recipe alone, so the overlap never changes a byte.
    const turning: Promise<RenderedVariant>[] = [];
    for (const recipe of recipes) {
      signal?.throwIfAborted();
      if (isPose(recipe)) {
        const rendered = this.#renderPose(recipe);
        rendered.catch(() => undefined);
        results.push(rendered);
        turning.push(rendered);
        if (turning.length >= POSE_IN_FLIGHT) await turning.shift();
        continue;
      }
      const rendered = isRelight(recipe) ? this.#renderRelight(recipe) : Promise.resolve(latent.shift()!);
      // Handled here as well as by Promise.all below: a failure must not count as unhandled while we yield.
      rendered.catch(() => undefined);
      results.push(rendered);
      // Each relight returns with its PNG still encoding on libuv's pool: the next one renders meanwhile.
      await yieldToEventLoop();
    }
    return Promise.all(results);
  }

  /** The head turned or the expression changed by re-rendering its own mesh: no generator pass, at the pose crop size. */
  async #renderPose(recipe: Recipe): Promise<RenderedVariant> {
    if (!this.#sampler) throw new Error('pose edits resample through the inference worker: the renderer was made without one');
    const faceId = recipe.sourceFaceId;
    const prepared = await this.#meshSource(faceId);
    const source = prepared.image;
    let face: PhotoMeshFace = { image: prepared.image, mesh: prepared.mesh, validity: prepared.validity };
    let rendered: MeshRendered | null = null;
    for (const op of recipe.ops) {
      if (op.type === 'pose') {
        rendered = await renderPose(face, scaledTurn(op.pose, op.strength), this.#sampler);
      } else if (op.type === 'expression') {
        const donor = op.expression === 'open-mouth' ? await this.#mouthDonor(faceId) : null;
        const typicalGap = op.expression === 'open-mouth' && !donor ? await this.#projectOpenMouthGap() : undefined;
        rendered = await renderExpression(face, op.expression, this.#sampler, op.strength, donor, typicalGap);
      } else continue;
      face = { image: rendered.image, mesh: rendered.mesh, validity: rendered.validity };
    }
    const image = quantise(face.image);
    const landmarks = new Float32Array((rendered!.mesh.length / 3) * 4);
    for (let p = 0; p < rendered!.landmarkValid.length; p += 1) {
      landmarks.set(rendered!.mesh.subarray(p * 3, p * 3 + 3), p * 4);
      landmarks[p * 4 + 3] = rendered!.landmarkValid[p];
    }
    return {
      recipe,
      image,
      png: await encodeVariantPng(image),
      source,
      // What the turn uncovered and could not fill is not photo: scoring blacks it out like padding.
      frame: { ...prepared.frame, valid: face.validity },
      latentDeltaNorm: null,
      diversity: meanAbsoluteDifference(image, prepared.quantised),
      landmarks,
    };
  }

  /** Held as a promise, as `#relightSource` is: two turns of one source in flight prepare it once. */
  #meshSource(faceId: number): Promise<MeshSourceFace> {
    return sharedPromise(this.#meshFaces, faceId, () => this.#prepareMeshSource(faceId));
  }

  /** The same person's photo whose open mouth lends an opened mouth its inside (`pickMouthDonor`), once per source. */
  #mouthDonor(faceId: number): Promise<MouthDonor | null> {
    return sharedPromise(this.#mouthDonors, faceId, () => this.#findMouthDonor(faceId));
  }

  #projectOpenMouthGap(): Promise<number> {
    this.#typicalGap ??= (async () => {
      const meshes: Float32Array[] = [];
      for (const f of this.#faces.faces()) {
        const mesh = await this.#faces.templateMesh(f.faceId, POSE_CROP_SIZE);
        if (mesh) meshes.push(mesh);
      }
      return typicalOpenMouthGap(meshes);
    })();
    return this.#typicalGap;
  }

  async #findMouthDonor(faceId: number): Promise<MouthDonor | null> {
    const all = this.#faces.faces();
    const identity = all.find((f) => f.faceId === faceId)?.identityId ?? null;
    if (identity === null) return null;
    const others = all
      .filter((f) => f.identityId === identity && f.faceId !== faceId)
      .map((f) => f.faceId)
      .sort((a, b) => a - b)
      .slice(0, MOUTH_DONOR_CANDIDATES);
    const meshes: { faceId: number; mesh: Float32Array }[] = [];
    for (const id of others) {
      const mesh = await this.#faces.templateMesh(id, POSE_CROP_SIZE);
      if (mesh) meshes.push({ faceId: id, mesh });
    }
    const pick = pickMouthDonor(meshes.map((m) => m.mesh));
    if (pick === null) return null;
    return { image: await this.#crop(meshes[pick].faceId, POSE_CROP_SIZE), mesh: meshes[pick].mesh };
  }

  async #prepareMeshSource(faceId: number): Promise<MeshSourceFace> {
    const size = POSE_CROP_SIZE;
    const image = await this.#crop(faceId, size);
    const mesh = await this.#faces.templateMesh(faceId, size);
    if (!mesh) throw new Error(`face ${faceId} has no face mesh: turning the head needs the 468-point mesh from face analysis`);
    // The frame holds the crop's validity mask already: one mask per source, not two.
    const frame = await this.#frame(faceId, size);
    return { image, mesh, validity: frame.valid, quantised: quantise(image), frame };
  }

  /**
   * Physically-based relighting and occlusion of the source crop: no generator pass, at the relight crop size.
   * Everything light-independent (surface, lighting fit, the quantised source, its frame) is made
   * once per source; a variant costs one shading pass, its cast shadows and its PNG.
   */
  async #renderRelight(recipe: Recipe): Promise<RenderedVariant> {
    const { prepared, mesh, source, quantisedSource, frame } = await this.#relightSource(recipe.sourceFaceId);
    let image = source;
    for (const op of recipe.ops) {
      if (op.type === 'relight') image = renderRelight({ ...prepared, image }, op.light, { strength: op.strength }).image;
      else if (op.type === 'occlusion') image = (await renderOcclusion(prepared, mesh, image, op)).image;
    }
    const { planar, rgb, diversity } = quantiseWithBytes(image, quantisedSource);
    return {
      recipe,
      image: planar,
      png: await encodeRgbPng(rgb, planar.size),
      source,
      frame,
      latentDeltaNorm: null,
      diversity,
    };
  }

  /** Held as a promise: the variants of one source render interleaved, and must not prepare it twice. */
  #relightSource(faceId: number): Promise<RelightSourceFace> {
    return sharedPromise(this.#relightFaces, faceId, () => this.#prepareRelightSource(faceId));
  }

  async #prepareRelightSource(faceId: number): Promise<RelightSourceFace> {
    const size = RELIGHT_CROP_SIZE;
    const source = await this.#crop(faceId, size);
    const mesh = await this.#faces.templateMesh(faceId, size);
    if (!mesh) throw new Error(`face ${faceId} has no face mesh: relighting needs the 468-point mesh from face analysis`);
    // Padding is not photo: the lighting fit must not read it.
    const prepared = prepareRelight({ image: source, landmarks: mesh, validity: await this.#faces.validityMask(faceId, size) });
    return { prepared, mesh, source, quantisedSource: quantise(source), frame: await this.#frame(faceId, size) };
  }

  async #renderLatent(recipes: readonly Recipe[], signal?: AbortSignal): Promise<RenderedVariant[]> {
    if (recipes.length === 0) return [];
    const pack = this.#pack;
    if (!pack) throw new Error('these edits go through a generator, and the renderer was given none');
    for (const recipe of recipes) {
      if (recipe.pack?.hash !== pack.hash)
        throw new Error(`recipe was made with pack ${recipe.pack?.hash.slice(0, 12) ?? '(none)'}, not ${pack.hash.slice(0, 12)}`);
    }
    const faceIds = new Set<number>();
    for (const recipe of recipes) {
      faceIds.add(recipe.sourceFaceId);
      for (const op of recipe.ops) if (op.type === 'mix') faceIds.add(op.donorFaceId);
    }
    // Everything one call needs is held in local maps: the caches may forget entries meanwhile.
    const latents = await this.#invert(pack, [...faceIds]);
    const starts = new Map<string, Latent>();
    for (const recipe of recipes) {
      signal?.throwIfAborted();
      const key = startKey(recipe);
      if (!starts.has(key)) starts.set(key, await this.#start(pack, recipe, latents.get(recipe.sourceFaceId)!, signal));
    }
    const edited = recipes.map((recipe) => applyOps(pack, starts.get(startKey(recipe))!, recipe.ops, (faceId) => latents.get(faceId)!));
    const synthesized = await pack.synthesize(edited);
    const reconstructions = pack.manifest.compose === 'residual' ? await this.#reconstruct(pack, [...starts.entries()]) : null;

    const size = this.outputSize;
    const results: RenderedVariant[] = [];
    for (const [i, recipe] of recipes.entries()) {
      const source = await this.#crop(recipe.sourceFaceId, size);
      const composed =
        pack.manifest.compose === 'residual' ? residual(source, synthesized[i], reconstructions!.get(startKey(recipe))!) : synthesized[i];
      // Upsampling the residual and blending a swap are tens of ms each: the event loop gets a turn between.
      await yieldToEventLoop();
      const image = quantise(await this.gate.composite(recipe, source, composed));
      results.push({
        recipe,
        image,
        png: await encodeVariantPng(image),
        source,
        frame: await this.#frame(recipe.sourceFaceId, size),
        latentDeltaNorm: latentDistance(edited[i], starts.get(startKey(recipe))!),
        diversity: meanAbsoluteDifference(image, quantise(source)),
      });
    }
    return results;
  }

  async #invert(pack: GeneratorPack, faceIds: readonly number[]): Promise<Map<number, Latent>> {
    const latents = new Map<number, Latent>();
    const missing: number[] = [];
    for (const id of faceIds) {
      const cached = this.#latents.get(`${id}`);
      if (cached) latents.set(id, cached);
      else missing.push(id);
    }
    if (missing.length > 0) {
      const crops = await Promise.all(missing.map((id) => this.#crop(id, pack.inputSize)));
      const encoded = await pack.encode(crops);
      missing.forEach((id, i) => {
        latents.set(id, encoded[i]);
        this.#latents.set(`${id}`, encoded[i]);
      });
    }
    return latents;
  }

  /** The latent a recipe edits: the inversion, refined against the source when the recipe says so. */
  async #start(pack: GeneratorPack, recipe: Recipe, inverted: Latent, signal?: AbortSignal): Promise<Latent> {
    if (recipe.refineIterations === 0) return inverted;
    const key = startKey(recipe);
    const cached = this.#latents.get(key);
    if (cached) return cached;
    const target = await this.#crop(recipe.sourceFaceId, pack.outputSize);
    const { latent } = await refineLatent(pack, inverted, target, {
      iterations: recipe.refineIterations,
      seed: deriveSeed(recipe.sourceFaceId, recipe.refineIterations),
      scorer: this.#scorer,
      frame: await this.#frame(recipe.sourceFaceId, pack.outputSize),
      signal,
      onIteration: (done, total) => this.#onRefine?.(recipe.sourceFaceId, done, total),
    });
    this.#latents.set(key, latent);
    return latent;
  }

  async #reconstruct(pack: GeneratorPack, starts: readonly [string, Latent][]): Promise<Map<string, PlanarImage>> {
    const images = new Map<string, PlanarImage>();
    const missing: [string, Latent][] = [];
    for (const [key, latent] of starts) {
      const cached = this.#reconstructions.get(key);
      if (cached) images.set(key, cached);
      else missing.push([key, latent]);
    }
    if (missing.length > 0) {
      const decoded = await pack.synthesize(missing.map(([, latent]) => latent));
      missing.forEach(([key], i) => {
        images.set(key, decoded[i]);
        this.#reconstructions.set(key, decoded[i]);
      });
    }
    return images;
  }

  async #frame(faceId: number, size: number): Promise<CropFrame> {
    const key = `${faceId}@${size}`;
    let frame = this.#frames.get(key);
    if (!frame) {
      frame = await cropFrame(this.#faces, faceId, size);
      this.#frames.set(key, frame);
    }
    return frame;
  }

  async #crop(faceId: number, size: number): Promise<PlanarImage> {
    const key = `${faceId}@${size}`;
    let crop = this.#crops.get(key);
    if (!crop) {
      crop = await this.#faces.alignedCrop(faceId, size);
      this.#crops.set(key, crop);
    }
    return crop;
  }
}

/** A mesh face whose validity is known (a project face's crop always has its mask). */
type PhotoMeshFace = MeshFace & { readonly validity: Float32Array };

function startKey(recipe: Recipe): string {
  return recipe.refineIterations === 0 ? `${recipe.sourceFaceId}` : `${recipe.sourceFaceId}/refined${recipe.refineIterations}`;
}

/** The edit as a difference at the pack's resolution, upsampled once onto the full-resolution source. */
function residual(source: PlanarImage, edited: PlanarImage, reconstruction: PlanarImage): PlanarImage {
  const delta = new Float32Array(edited.data.length);
  for (let i = 0; i < delta.length; i += 1) delta[i] = edited.data[i] - reconstruction.data[i];
  const up = resizePlanar({ size: edited.size, data: delta }, source.size).data;
  const out = new Float32Array(source.data.length);
  for (let i = 0; i < out.length; i += 1) out[i] = source.data[i] + up[i];
  return { size: source.size, data: out };
}

/** Clamps to 0‥1 and rounds to 8-bit levels, exactly as the PNG will hold it. */
function quantise(image: PlanarImage): PlanarImage {
  return quantiseWithBytes(image).planar;
}

const LEVELS = Float32Array.from({ length: 256 }, (_, level) => level / 255);

/**
 * `quantise`, and the same levels as interleaved RGB bytes (what the PNG encodes), in one pass;
 * given the quantised source, also `meanAbsoluteDifference` to it (summed in the same order).
 */
function quantiseWithBytes(image: PlanarImage, reference?: PlanarImage): { planar: PlanarImage; rgb: Uint8Array; diversity: number } {
  const plane = image.size * image.size;
  const data = new Float32Array(plane * 3);
  const rgb = new Uint8Array(plane * 3);
  const ref = reference?.data;
  let difference = 0;
  for (let c = 0; c < 3; c += 1) {
    for (let i = 0; i < plane; i += 1) {
      const o = c * plane + i;
      const x = image.data[o] * 255;
      // Math.round for x ≥ 0 (x + 0.5, truncated), without its cost per sample.
      const level = x <= 0 ? 0 : x >= 255 ? 255 : (x + 0.5) | 0;
      data[o] = LEVELS[level];
      rgb[i * 3 + c] = level;
      if (ref) difference += Math.abs(data[o] - ref[o]);
    }
  }
  return { planar: { size: image.size, data }, rgb, diversity: difference / data.length };
}

function meanAbsoluteDifference(a: PlanarImage, b: PlanarImage): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i += 1) s += Math.abs(a.data[i] - b.data[i]);
  return s / a.data.length;
}

/** Insertion-ordered map that forgets its oldest entries past `limit`. */
class BoundedCache<K, V> {
  readonly #map = new Map<K, V>();
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  get(key: K): V | undefined {
    return this.#map.get(key);
  }

  delete(key: K): void {
    this.#map.delete(key);
  }

  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    while (this.#map.size > this.#limit) this.#map.delete(this.#map.keys().next().value as K);
  }
}

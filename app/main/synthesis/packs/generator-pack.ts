import { fromPackRange, toPackRange, type PlanarImage } from './image-tensor.ts';
import { float32Tensor } from '../../inference/tensor-data.ts';
import type { InferenceRuntime, ModelHandle } from './inference-runtime.ts';
import type { DirectionSpec, ModelFile, PackManifest, PartSpec } from './pack-manifest.ts';

/**
 * Images per inference run of a pack's models: 8 by default, `LIKENESS_BATCH` (1–256) where a GPU
 * pays for larger runs (`bench/gpu.sh` measures 1, 8 and 32). A graph with a dynamic batch runs at most this many
 * items at once; a graph fixed at N always takes N.
 */
export function runBatch(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.LIKENESS_BATCH?.trim();
  if (!text) return 8;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 256) throw new Error(`LIKENESS_BATCH takes an integer from 1 to 256, got "${text}"`);
  return value;
}

/** A latent as the synthesis model takes it: [layers, width] for one image, flat row-major. */
export interface Latent {
  readonly layers: number;
  readonly width: number;
  readonly data: Float32Array;
}

export interface LoadedDirection extends DirectionSpec {
  /** [end - start, width] values: a [width] file is repeated over the layer range at load. */
  readonly values: Float32Array;
}

export interface LoadedModel {
  readonly spec: ModelFile;
  readonly handle: ModelHandle;
  /** Largest batch one run accepts: the model's fixed batch dimension, or unbounded. */
  readonly maxBatch: number;
}

/** What every pack exposes once validated. Nothing here knows whether it is a StyleGAN or the default generator. */
export class GeneratorPack {
  readonly dir: string;
  readonly manifest: PackManifest;
  /** sha256 over the manifest (which carries every file's sha256): the pack's identity in a project. */
  readonly hash: string;
  readonly latentLayers: number;
  readonly latentWidth: number;
  readonly outputSize: number;
  readonly directions: ReadonlyMap<string, LoadedDirection>;
  readonly parts: ReadonlyMap<string, PartSpec>;
  readonly #runtime: InferenceRuntime;
  readonly #encoder: LoadedModel;
  readonly #mapping: LoadedModel | null;
  readonly #synthesis: LoadedModel;

  constructor(init: {
    dir: string;
    manifest: PackManifest;
    hash: string;
    runtime: InferenceRuntime;
    encoder: LoadedModel;
    mapping: LoadedModel | null;
    synthesis: LoadedModel;
    directions: LoadedDirection[];
  }) {
    this.dir = init.dir;
    this.manifest = init.manifest;
    this.hash = init.hash;
    this.#runtime = init.runtime;
    this.#encoder = init.encoder;
    this.#mapping = init.mapping;
    this.#synthesis = init.synthesis;
    const latentShape = init.manifest.synthesis.input.shape;
    this.latentLayers = latentShape[1] as number;
    this.latentWidth = latentShape[2] as number;
    this.outputSize = init.manifest.synthesis.output.shape[3] as number;
    this.directions = new Map(init.directions.map((d) => [d.name, d]));
    this.parts = new Map(init.manifest.parts.map((p) => [p.name, p]));
  }

  get inputSize(): number {
    return this.manifest.alignment.size;
  }

  get hasMapping(): boolean {
    return this.#mapping !== null;
  }

  /** Aligned crops at `inputSize` → latents. */
  async encode(images: readonly PlanarImage[]): Promise<Latent[]> {
    const size = this.inputSize;
    for (const image of images) {
      if (image.size !== size) throw new Error(`encoder takes ${size}px crops, got ${image.size}px`);
    }
    const per = 3 * size * size;
    const outputs = await this.#batched(
      this.#encoder,
      images.length,
      (i, into) => {
        into.set(toPackRange(images[i].data, this.manifest.range), 0);
      },
      [3, size, size],
      per,
    );
    return outputs.map((data) => ({ layers: this.latentLayers, width: this.latentWidth, data }));
  }

  /** z vectors → latents, broadcasting a mapping network's single w over every layer (W → W+). */
  async map(zs: readonly Float32Array[]): Promise<Latent[]> {
    if (!this.#mapping) throw new Error(`pack ${this.manifest.name} has no mapping network`);
    const zWidth = this.#mapping.spec.input.shape[1] as number;
    const ws = await this.#batched(this.#mapping, zs.length, (i, into) => into.set(zs[i]), [zWidth], zWidth);
    return ws.map((w) => {
      const data = new Float32Array(this.latentLayers * this.latentWidth);
      for (let l = 0; l < this.latentLayers; l += 1) data.set(w, l * this.latentWidth);
      return { layers: this.latentLayers, width: this.latentWidth, data };
    });
  }

  get mappingInputWidth(): number {
    return this.#mapping ? (this.#mapping.spec.input.shape[1] as number) : 0;
  }

  /** Latents → images at `outputSize`, planar RGB in [0, 1] (not clamped: composition clamps once, at the end). */
  async synthesize(latents: readonly Latent[]): Promise<PlanarImage[]> {
    const per = this.latentLayers * this.latentWidth;
    const outputs = await this.#batched(
      this.#synthesis,
      latents.length,
      (i, into) => into.set(latents[i].data),
      [this.latentLayers, this.latentWidth],
      per,
    );
    return outputs.map((data) => ({ size: this.outputSize, data: fromPackRange(data, this.manifest.range) }));
  }

  async close(): Promise<void> {
    const models = [this.#encoder, this.#mapping, this.#synthesis].filter((m): m is LoadedModel => m !== null);
    await Promise.all(models.map((m) => this.#runtime.release(m.handle)));
  }

  async #batched(
    model: LoadedModel,
    count: number,
    fill: (index: number, into: Float32Array) => void,
    itemDims: readonly number[],
    itemLength: number,
  ): Promise<Float32Array[]> {
    const results: Float32Array[] = [];
    // A graph with a dynamic batch runs exactly the items asked for (one preview costs one image,
    // not eight); a graph fixed at N takes N, so only then is a short batch padded, by repeating the
    // last item. Each image's arithmetic is its own either way, so the bytes never depend on the batch.
    const fixed = Number.isFinite(model.maxBatch) ? model.maxBatch : null;
    for (let start = 0; start < count;) {
      const items = Math.min(count - start, fixed ?? runBatch());
      const batch = fixed ?? items;
      const feed = new Float32Array(batch * itemLength);
      for (let b = 0; b < batch; b += 1) fill(start + Math.min(b, items - 1), feed.subarray(b * itemLength, (b + 1) * itemLength));
      const outputs = await this.#runtime.run(model.handle, { [model.spec.input.name]: float32Tensor(feed, [batch, ...itemDims]) });
      const output = outputs[model.spec.output.name];
      if (!output) throw new Error(`${model.spec.file} returned no ${model.spec.output.name}`);
      if (!(output.data instanceof Float32Array)) throw new Error(`${model.spec.file} returned ${output.type}, packs produce float32`);
      const outLength = output.data.length / batch;
      for (let b = 0; b < items; b += 1) results.push(output.data.slice(b * outLength, (b + 1) * outLength));
      start += items;
    }
    return results;
  }
}

import { existsSync } from 'node:fs';
import { InferenceError, type InferenceClient, type ModelHandle } from '../inference/inference-client.ts';
import { sharedInferenceClient } from '../inference/shared-inference-client.ts';
import { float32Tensor, type TensorData } from '../inference/tensor-data.ts';
import type { FloatRgb } from './bilinear-warp.ts';
import { modelFile, modelsDir, type VisionModelName } from './model-files.ts';
import { normaliseInto, readModelManifest } from './model-manifest.ts';
import { sharedPromise } from '../core/shared-promise.ts';

export type Outputs = Record<string, TensorData>;

/**
 * The vision models on an inference client, each loaded on first use and fed as its manifest says
 * (size, channel order, normalisation), so no model's preprocessing is restated in code.
 */
export class VisionRuntime {
  readonly client: InferenceClient;
  readonly modelsDir: string;
  readonly #handles = new Map<VisionModelName, Promise<ModelHandle>>();

  constructor(client: InferenceClient, dir: string = modelsDir()) {
    this.client = client;
    this.modelsDir = dir;
  }

  model(name: VisionModelName): Promise<ModelHandle> {
    return sharedPromise(this.#handles, name, () => {
      const path = modelFile(name, this.modelsDir);
      return existsSync(path)
        ? this.client.load(path)
        : Promise.reject(new InferenceError(path, 'model file missing; build it with `npm run models`'));
    });
  }

  /** Square input side the model expects (from its manifest). */
  inputSize(name: VisionModelName): number {
    const side = readModelManifest(name, this.modelsDir).inputs[0].shape[1];
    if (typeof side !== 'number') throw new Error(`${name}: manifest input has no fixed size`);
    return side;
  }

  /**
   * Runs the model on frames already warped to its input size (RGB, 0‥255). A graph with a fixed
   * batch of 1 runs once per frame and the outputs are stacked, so callers always batch.
   */
  async runFrames(name: VisionModelName, frames: readonly FloatRgb[]): Promise<Outputs> {
    if (frames.length === 0) throw new RangeError(`${name}: no frames to run`);
    const [input] = readModelManifest(name, this.modelsDir).inputs;
    const { width, height } = frames[0];
    const per = width * height * 3;
    const handle = await this.model(name);
    const feed = (chunk: readonly FloatRgb[]) => {
      const data = new Float32Array(per * chunk.length);
      chunk.forEach((frame, i) => {
        if (frame.width !== width || frame.height !== height) throw new RangeError(`${name}: frames differ in size`);
        normaliseInto(input, frame.data, data, i * per);
      });
      return { [handle.inputs[0].name]: float32Tensor(data, [chunk.length, height, width, 3]) };
    };
    if (input.shape[0] !== 1 || frames.length === 1) return this.client.run(handle, feed(frames));
    const parts = await Promise.all(frames.map((frame) => this.client.run(handle, feed([frame]))));
    return stack(parts);
  }
}

function stack(parts: readonly Outputs[]): Outputs {
  const out: Outputs = {};
  for (const name of Object.keys(parts[0])) {
    const first = parts[0][name];
    const each = first.data.length;
    const data = new Float32Array(each * parts.length);
    parts.forEach((p, i) => data.set(p[name].data as Float32Array, i * each));
    out[name] = { type: 'float32', dims: [parts.length, ...first.dims.slice(1)], data };
  }
  return out;
}

let shared: VisionRuntime | null = null;

/** Vision on the process's shared inference client (a new one after that client was closed). */
export function defaultVisionRuntime(): VisionRuntime {
  const client = sharedInferenceClient();
  if (shared?.client !== client) shared = new VisionRuntime(client);
  return shared;
}

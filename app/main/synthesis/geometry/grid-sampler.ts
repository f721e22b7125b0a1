import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { float32Tensor } from '../../inference/tensor-data.ts';
import type { InferenceRuntime, ModelHandle } from '../packs/inference-runtime.ts';
import { encodeModel, node } from '../../onnx/onnx-builder.ts';

/**
 * Bilinear resampling of planar images through per-pixel backward maps, run by onnxruntime's
 * GridSample in the inference worker rather than by a hand-written loop on the main thread.
 * The graph has one GridSample node per map (opset 17: bilinear, border padding, pixel-area
 * coordinates), all reading the same image, each with its own grid and output, so a map that covers
 * a band of columns is sampled and returned at that band's width. It is built from the protobuf
 * schema and written once per machine under the temp folder by its content hash.
 */
export function gridSampleModel(maps = 1): Uint8Array {
  const text = (name: string, value: string): onnxProto.onnx.IAttributeProto => ({
    name,
    type: onnxProto.onnx.AttributeProto.AttributeType.STRING,
    s: new TextEncoder().encode(value),
  });
  const int = (name: string, value: number): onnxProto.onnx.IAttributeProto => ({
    name,
    type: onnxProto.onnx.AttributeProto.AttributeType.INT,
    i: value,
  });
  const ids = Array.from({ length: maps }, (_, m) => m);
  return encodeModel({
    name: 'likeness-grid-sample',
    inputs: [{ name: 'image', dims: ['n', 'c', 'h', 'w'] }, ...ids.map((m) => ({ name: `grid${m}`, dims: ['n', 'oh', `ow${m}`, 2] }))],
    outputs: ids.map((m) => ({ name: `sampled${m}`, dims: ['n', 'c', 'oh', `ow${m}`] })),
    nodes: ids.map((m) =>
      node(
        'GridSample',
        ['image', `grid${m}`],
        [`sampled${m}`],
        [text('mode', 'bilinear'), text('padding_mode', 'border'), int('align_corners', 0)],
      ),
    ),
    initializers: [],
  });
}

function gridSampleModelPath(maps: number): string {
  const bytes = gridSampleModel(maps);
  const folder = join(tmpdir(), 'likeness-models');
  const path = join(folder, `grid-sample-${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.onnx`);
  if (!existsSync(path)) {
    mkdirSync(folder, { recursive: true });
    // Written beside and renamed: a second process never loads a half-written file.
    const partial = `${path}.${process.pid}.part`;
    writeFileSync(partial, bytes);
    renameSync(partial, path);
  }
  return path;
}

/** Planar channels × size² images and one or more maps, each 2 × size² (x plane, y plane) in crop pixels. */
export class GridSampler {
  readonly #runtime: InferenceRuntime;
  /** One graph per number of maps sampled together. */
  readonly #handles = new Map<number, Promise<ModelHandle>>();

  constructor(runtime: InferenceRuntime) {
    this.#runtime = runtime;
  }

  /**
   * Samples `image` (channels × size² planar) at each map's positions, all in one worker call. A map
   * may cover only a band of columns (`columns`: [first, end)), the part of the output that needs
   * it. Returns one planar image per map at its band's width: channels × size × (end − first),
   * empty for an empty band. `image` is handed to the worker (its buffer detached).
   */
  async sample(
    image: Float32Array,
    channels: number,
    size: number,
    maps: readonly { map: Float32Array; columns?: readonly [number, number] }[],
  ): Promise<Float32Array[]> {
    const plane = size * size;
    if (image.length !== channels * plane) throw new Error(`grid sample: expected ${channels} × ${size}² values, got ${image.length}`);
    const out: Float32Array[] = maps.map(() => new Float32Array(0));
    const feeds: Record<string, ReturnType<typeof float32Tensor>> = {};
    const sampled: number[] = [];
    maps.forEach(({ map, columns }, m) => {
      if (map.length !== 2 * plane) throw new Error(`grid sample: map ${m} must hold 2 × ${size}² values`);
      const [first, end] = columns ?? [0, size];
      const width = Math.max(0, end - first);
      if (width === 0) return;
      const grid = new Float32Array(size * width * 2);
      for (let y = 0; y < size; y += 1) {
        for (let x = first; x < end; x += 1) {
          const j = y * size + x;
          const g = (y * width + x - first) * 2;
          grid[g] = (2 * map[j]) / size - 1;
          grid[g + 1] = (2 * map[plane + j]) / size - 1;
        }
      }
      feeds[`grid${sampled.length}`] = float32Tensor(grid, [1, size, width, 2]);
      sampled.push(m);
    });
    if (sampled.length === 0) return out;
    let handle = this.#handles.get(sampled.length);
    if (!handle) {
      handle = this.#runtime.load(gridSampleModelPath(sampled.length));
      this.#handles.set(sampled.length, handle);
    }
    const outputs = await this.#runtime.run(await handle, { image: float32Tensor(image, [1, channels, size, size]), ...feeds });
    sampled.forEach((m, k) => (out[m] = outputs[`sampled${k}`].data as Float32Array));
    return out;
  }
}

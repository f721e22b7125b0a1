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
 * The graph is one node (opset 17: bilinear, border padding, pixel-area coordinates), built from
 * the protobuf schema and written once per machine under the temp folder by its content hash.
 */
export function gridSampleModel(): Uint8Array {
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
  return encodeModel({
    name: 'likeness-grid-sample',
    inputs: [
      { name: 'image', dims: ['n', 'c', 'h', 'w'] },
      { name: 'grid', dims: ['n', 'oh', 'ow', 2] },
    ],
    outputs: [{ name: 'sampled', dims: ['n', 'c', 'oh', 'ow'] }],
    nodes: [
      node(
        'GridSample',
        ['image', 'grid'],
        ['sampled'],
        [text('mode', 'bilinear'), text('padding_mode', 'border'), int('align_corners', 0)],
      ),
    ],
    initializers: [],
  });
}

function gridSampleModelPath(): string {
  const bytes = gridSampleModel();
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
  #handle: Promise<ModelHandle> | null = null;

  constructor(runtime: InferenceRuntime) {
    this.#runtime = runtime;
  }

  /**
   * Samples `image` (channels × size² planar) at each map's positions; the maps are placed side by
   * side in one grid so one worker call serves them all. A map may cover only a band of columns
   * (`columns`: [first, end)), the part of the output that needs it. Returns one planar image per
   * map, size² each, zero outside its band. `image` is handed to the worker (its buffer detached).
   */
  async sample(
    image: Float32Array,
    channels: number,
    size: number,
    maps: readonly { map: Float32Array; columns?: readonly [number, number] }[],
  ): Promise<Float32Array[]> {
    const plane = size * size;
    if (image.length !== channels * plane) throw new Error(`grid sample: expected ${channels} × ${size}² values, got ${image.length}`);
    const bands = maps.map(({ columns }) => columns ?? ([0, size] as const));
    const offsets: number[] = [];
    let width = 0;
    for (const [first, end] of bands) {
      offsets.push(width);
      width += Math.max(0, end - first);
    }
    const out = maps.map(() => new Float32Array(channels * plane));
    if (width === 0) return out;
    const grid = new Float32Array(size * width * 2);
    maps.forEach(({ map }, m) => {
      if (map.length !== 2 * plane) throw new Error(`grid sample: map ${m} must hold 2 × ${size}² values`);
      const [first, end] = bands[m];
      for (let y = 0; y < size; y += 1) {
        for (let x = first; x < end; x += 1) {
          const j = y * size + x;
          const g = (y * width + offsets[m] + x - first) * 2;
          grid[g] = (2 * map[j]) / size - 1;
          grid[g + 1] = (2 * map[plane + j]) / size - 1;
        }
      }
    });
    this.#handle ??= this.#runtime.load(gridSampleModelPath());
    const handle = await this.#handle;
    const outputs = await this.#runtime.run(handle, {
      image: float32Tensor(image, [1, channels, size, size]),
      grid: float32Tensor(grid, [1, size, width, 2]),
    });
    const sampled = outputs.sampled.data as Float32Array;
    maps.forEach((_, m) => {
      const [first, end] = bands[m];
      for (let c = 0; c < channels; c += 1)
        for (let y = 0; y < size; y += 1) {
          const from = (c * size + y) * width + offsets[m];
          out[m].set(sampled.subarray(from, from + end - first), c * plane + y * size + first);
        }
    });
    return out;
  }
}

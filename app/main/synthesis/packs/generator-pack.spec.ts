import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InferenceClient } from '../../inference/inference-client.ts';
import { tinyStyleganShape, writeStyleganShapedPack } from '../testing/stylegan-shaped-pack.ts';
import type { InferenceRuntime } from './inference-runtime.ts';
import type { Latent } from './generator-pack.ts';
import { loadGeneratorPack } from './pack-loader.ts';

const root = mkdtempSync(join(tmpdir(), 'likeness-generator-pack-'));
const runtime = new InferenceClient({ threadsPerWorker: 1 });
afterAll(async () => {
  await runtime.close();
  rmSync(root, { recursive: true, force: true });
});

/** The runtime, recording the batch size (first dimension of the feed) of every run. */
function recordingRuntime(): InferenceRuntime & { batches: number[] } {
  const recording = {
    batches: [] as number[],
    load: runtime.load.bind(runtime),
    release: runtime.release.bind(runtime),
    run: ((handle, feeds) => {
      recording.batches.push(...Object.values(feeds).map((tensor) => tensor.dims[0]!));
      return runtime.run(handle, feeds);
    }) as InferenceRuntime['run'],
  };
  return recording;
}

function latents(count: number): Latent[] {
  const { layers, width } = tinyStyleganShape;
  return Array.from({ length: count }, (_, k) => ({
    layers,
    width,
    data: new Float32Array(layers * width).map((_, i) => Math.sin(i * 0.37 + k)),
  }));
}

describe('a generator pack runs with the real batch', () => {
  it('runs one preview as a batch of one, not padded to eight, and splits long lists into runs of at most eight', async () => {
    const dir = join(root, 'dynamic');
    await writeStyleganShapedPack(dir);
    const recording = recordingRuntime();
    const pack = await loadGeneratorPack(dir, recording);
    try {
      recording.batches.length = 0;
      const [alone] = await pack.synthesize(latents(1));
      expect(recording.batches).toEqual([1]);
      const { size } = tinyStyleganShape;
      await pack.encode([{ size, data: new Float32Array(3 * size * size).fill(0.5) }]);
      await pack.map([new Float32Array(tinyStyleganShape.zWidth).fill(0.3)]);
      expect(recording.batches).toEqual([1, 1, 1]);

      recording.batches.length = 0;
      const many = await pack.synthesize(latents(11));
      expect(recording.batches).toEqual([8, 3]);
      expect(many).toHaveLength(11);
      // Batched with ten others, the first latent gives the very values it gave alone.
      expect(Buffer.from(many[0].data.buffer).equals(Buffer.from(alone.data.buffer))).toBe(true);
    } finally {
      await pack.close();
    }
  });

  it('pads only to the batch a fixed-batch pack declares', async () => {
    const dir = join(root, 'fixed');
    await writeStyleganShapedPack(dir, { ...tinyStyleganShape, batch: 3 });
    const recording = recordingRuntime();
    const pack = await loadGeneratorPack(dir, recording);
    try {
      recording.batches.length = 0;
      const one = await pack.synthesize(latents(1));
      expect(recording.batches).toEqual([3]);
      expect(one).toHaveLength(1);
      recording.batches.length = 0;
      const four = await pack.synthesize(latents(4));
      expect(recording.batches).toEqual([3, 3]);
      expect(four).toHaveLength(4);
      expect(Buffer.from(four[0].data.buffer).equals(Buffer.from(one[0].data.buffer))).toBe(true);
    } finally {
      await pack.close();
    }
  });
});

import { copyFileSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '#api/errors.ts';
import { InferenceClient } from '../../inference/inference-client.ts';
import type { InferenceRuntime } from './inference-runtime.ts';
import { encodeModel, floatTensor, int64Tensor, node } from '../../onnx/onnx-builder.ts';
import { loadGeneratorPack } from './pack-loader.ts';
import { SeededRandom } from '../../core/seeded-random.ts';
import { retypeModel } from '../testing/retyped-model.ts';
import { tinyStyleganShape, writeStyleganShapedPack } from '../testing/stylegan-shaped-pack.ts';

const root = mkdtempSync(join(tmpdir(), 'likeness-packs-'));
const runtime = new InferenceClient({ threadsPerWorker: 1 });
afterAll(async () => {
  await runtime.close();
  rmSync(root, { recursive: true, force: true });
});

/** The runtime, counting the models handed to it: a pack rejected before loading never reaches it. */
function countingRuntime(): InferenceRuntime & { loads: number } {
  const counting = {
    loads: 0,
    load: (path: string) => {
      counting.loads += 1;
      return runtime.load(path);
    },
    run: runtime.run.bind(runtime),
    release: runtime.release.bind(runtime),
  };
  return counting;
}

async function problemsOf(dir: string, on: InferenceRuntime = runtime): Promise<string[]> {
  try {
    const pack = await loadGeneratorPack(dir, on);
    await pack.close();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('PACK_INVALID');
    return ((error as ApiError).details as { problems: string[] }).problems;
  }
  throw new Error('pack loaded but was expected to be rejected');
}

describe('generator pack loader', () => {
  it('loads a StyleGAN-shaped pack and runs encoder, mapping and synthesis', async () => {
    const dir = join(root, 'good');
    await writeStyleganShapedPack(dir);
    const pack = await loadGeneratorPack(dir, runtime);
    const { size, layers, width } = tinyStyleganShape;
    expect([pack.latentLayers, pack.latentWidth, pack.outputSize]).toEqual([layers, width, size]);
    const image = { size, data: new Float32Array(3 * size * size).map((_, i) => (i % 7) / 7) };
    const [latent] = await pack.encode([image]);
    expect(latent.data.length).toBe(layers * width);
    const [w] = await pack.map([new Float32Array(tinyStyleganShape.zWidth).fill(0.3)]);
    expect(w.data.subarray(0, width)).toEqual(w.data.subarray((layers - 1) * width));
    const [out] = await pack.synthesize([latent, w]);
    expect(out.data.length).toBe(3 * size * size);
    expect(Math.min(...out.data)).toBeGreaterThanOrEqual(0);
    expect(pack.directions.get('smile')!.values.length).toBe(2 * width);
    expect(pack.hash).toMatch(/^[0-9a-f]{64}$/);
    await pack.close();
  });

  it('rejects a pack whose declared output shape disagrees with the model, naming both', async () => {
    const dir = join(root, 'shape');
    await writeStyleganShapedPack(dir, tinyStyleganShape, {
      manifest: (m) => ({ ...m, synthesis: { ...m.synthesis, output: { name: 'image', shape: ['batch', 3, 64, 64] } } }),
    });
    const problems = await problemsOf(dir);
    expect(problems).toContainEqual(
      expect.stringMatching(/synthesis: output "image" has shape \[batch, 3, 32, 32\] in the model, pack.json says \[batch, 3, 64, 64\]/),
    );
  });

  it('rejects a missing file, a ../ path and an absolute path, all in one report', async () => {
    const dir = join(root, 'paths');
    // writePack only hashes files it writes, so this pack is made by editing a good one.
    await writeStyleganShapedPack(dir);
    const manifestPath = join(dir, 'pack.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    manifest.encoder.file = '../encoder.onnx';
    manifest.mapping.file = '/etc/passwd';
    writeFileSync(manifestPath, JSON.stringify(manifest));
    unlinkSync(join(dir, 'directions/age.f32'));
    const problems = await problemsOf(dir);
    expect(problems).toContainEqual(expect.stringMatching(/encoder: "\.\.\/encoder\.onnx" contains "\.\."/));
    expect(problems).toContainEqual(expect.stringMatching(/mapping: "\/etc\/passwd" is an absolute path/));
    expect(problems).toContainEqual(expect.stringMatching(/direction age: "directions\/age\.f32" does not exist/));
  });

  it('rejects a file that is a symlink out of the pack folder, even when its bytes match the hash', async () => {
    const dir = join(root, 'symlink');
    await writeStyleganShapedPack(dir);
    const outside = join(root, 'outside-smile.f32');
    copyFileSync(join(dir, 'directions/smile.f32'), outside);
    unlinkSync(join(dir, 'directions/smile.f32'));
    symlinkSync(outside, join(dir, 'directions/smile.f32'));
    expect(await problemsOf(dir)).toEqual([
      `direction smile: "directions/smile.f32" links to ${realpathSync(outside)}, outside the pack folder`,
    ]);
  });

  it('rejects a sha256 mismatch and an invalid manifest', async () => {
    const dir = join(root, 'hash');
    await writeStyleganShapedPack(dir);
    writeFileSync(join(dir, 'directions/smile.f32'), new Uint8Array(64));
    expect(await problemsOf(dir)).toContainEqual(
      expect.stringMatching(/direction smile: sha256 of "directions\/smile\.f32" is [0-9a-f]{64}, pack.json says/),
    );
    writeFileSync(join(dir, 'pack.json'), JSON.stringify({ format: 'likeness-generator-pack/1', name: '' }));
    const problems = await problemsOf(dir);
    expect(problems.length).toBeGreaterThan(3);
    expect(problems).toContainEqual(expect.stringMatching(/pack.json encoder/));
  });

  it('rejects a synthesis model that produces NaN on the probe run', async () => {
    const dir = join(root, 'nan');
    const { size, layers, width } = tinyStyleganShape;
    const nanSynthesis = encodeModel({
      name: 'synthesis',
      inputs: [{ name: 'w_plus', dims: ['batch', layers, width] }],
      outputs: [{ name: 'image', dims: ['batch', 3, size, size] }],
      initializers: [
        int64Tensor('flat_shape', [-1, layers * width]),
        floatTensor('syn_w', [layers * width, 3 * size * size], new Float32Array(layers * width * 3 * size * size)),
        int64Tensor('image_shape', [-1, 3, size, size]),
      ],
      nodes: [
        node('Reshape', ['w_plus', 'flat_shape'], ['flat']),
        node('MatMul', ['flat', 'syn_w'], ['zeros']),
        node('Div', ['zeros', 'zeros'], ['nan']),
        node('Reshape', ['nan', 'image_shape'], ['image']),
      ],
    });
    await writeStyleganShapedPack(dir, tinyStyleganShape, { files: (files) => new Map([...files, ['synthesis.onnx', nanSynthesis]]) });
    expect(await problemsOf(dir)).toEqual(['synthesis: probe run produced NaN or infinite values']);
  });

  it('rejects models exported with float16 or int64 tensors, naming each file and tensor, before loading anything', async () => {
    const dir = join(root, 'dtype');
    // Both models are valid ONNX that onnxruntime loads; only the contract check stops them before a job feeds them float32.
    await writeStyleganShapedPack(dir, tinyStyleganShape, {
      files: (files) =>
        new Map([
          ...files,
          ['encoder.onnx', retypeModel(files.get('encoder.onnx')!, 'image', 'FLOAT16')],
          ['mapping.onnx', retypeModel(files.get('mapping.onnx')!, 'w', 'INT64')],
        ]),
    });
    const counting = countingRuntime();
    expect(await problemsOf(dir, counting)).toEqual([
      'encoder: "encoder.onnx" takes its input "image" as float16; packs feed and read float32 only',
      'mapping: "mapping.onnx" gives its output "w" as int64; packs feed and read float32 only',
    ]);
    expect(counting.loads).toBe(0);
  });

  it('rejects a truncated and a random-bytes model whose sha256 matches, saying which file is truncated and which is not ONNX', async () => {
    const dir = join(root, 'corrupt');
    const random = new SeededRandom(99);
    // writePack hashes the bytes it is given, so pack.json vouches for them and only the parse can fail.
    await writeStyleganShapedPack(dir, tinyStyleganShape, {
      files: (files) => {
        const encoder = files.get('encoder.onnx')!;
        return new Map([
          ...files,
          ['encoder.onnx', encoder.slice(0, Math.floor(encoder.length * 0.6))],
          ['synthesis.onnx', Uint8Array.from({ length: 4096 }, () => random.int(256))],
        ]);
      },
    });
    const counting = countingRuntime();
    const problems = await problemsOf(dir, counting);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      /^encoder: "encoder\.onnx" is not a readable ONNX model: it is truncated: its \d+ bytes end inside a record/,
    );
    expect(problems[1]).toMatch(/^synthesis: "synthesis\.onnx" is not a readable ONNX model: its bytes are not an ONNX protobuf \(/);
    expect(counting.loads).toBe(0);
  });
});

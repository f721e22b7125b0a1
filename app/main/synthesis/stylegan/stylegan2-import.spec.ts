import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  f32,
  loadWithPython,
  makeGeneratorFixture,
  makeHostileCheckpoints,
  torchOracleOrSkip,
  type GeneratorFixture,
  type GeneratorRequest,
} from '../../../../test/oracles/torch-oracle.ts';
import { InferenceClient } from '../../inference/inference-client.ts';
import { readTorchCheckpoint, type PersistentRecord } from '../checkpoints/torch-checkpoint.ts';
import { PickleRefused } from '../checkpoints/restricted-unpickler.ts';
import { loadGeneratorPack } from '../packs/pack-loader.ts';
import { importStylegan2 } from './stylegan2-import.ts';
import { StyleganFormatError } from './stylegan2-weights.ts';

const hasOracle = torchOracleOrSkip();
const root = mkdtempSync(join(tmpdir(), 'likeness-stylegan-'));
const runtime = new InferenceClient({ threadsPerWorker: 1 });
afterAll(async () => {
  await runtime.close();
  rmSync(root, { recursive: true, force: true });
});

const TOLERANCE = 1e-3;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i += 1) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Imports the oracle's checkpoint, loads the pack through the product's loader, runs the oracle's W+ and z. */
async function parity(name: string, request: GeneratorRequest): Promise<{ image: number; mapping: number; fixture: GeneratorFixture }> {
  const fixture = await makeGeneratorFixture(join(root, name), request);
  const steps: string[] = [];
  const packDir = join(root, name, 'pack');
  const result = await importStylegan2(fixture.checkpoint, packDir, { truncation: fixture.psi, onProgress: (step) => steps.push(step) });
  expect(result).toMatchObject({ format: request.format, resolution: request.resolution, numWs: fixture.numWs, wAvgSource: 'checkpoint' });
  expect(steps.at(-1)).toBe('done');
  const pack = await loadGeneratorPack(packDir, runtime);
  try {
    const { numWs, wDim, resolution, batch } = fixture;
    const latents = Array.from({ length: batch }, (_, b) => ({
      layers: numWs,
      width: wDim,
      data: fixture.wPlus.slice(b * numWs * wDim, (b + 1) * numWs * wDim),
    }));
    const images = await pack.synthesize(latents);
    expect(images[0]!.size).toBe(resolution);
    // The pack hands images out in 0‥1; the generator's own range is −1‥1.
    const produced = Float32Array.from(images.flatMap((image) => Array.from(image.data, (v) => 2 * v - 1)));
    const mapped = await pack.map(Array.from({ length: batch }, (_, b) => fixture.z.slice(b * wDim, (b + 1) * wDim)));
    const w = Float32Array.from(mapped.flatMap((latent) => Array.from(latent.data.subarray(0, wDim))));
    return { image: maxAbsDiff(produced, fixture.image), mapping: maxAbsDiff(w, fixture.w), fixture };
  } finally {
    await pack.close();
  }
}

describe.runIf(hasOracle)('StyleGAN2 import agrees with PyTorch', () => {
  const cases: [string, GeneratorRequest][] = [
    ['rosinality .pt (zip, a strided tensor), 64 px', { format: 'rosinality', resolution: 64, channelMax: 32 }],
    [
      'rosinality .pt (legacy torch file, float16 weights), 64 px',
      { format: 'rosinality', resolution: 64, channelMax: 32, legacy: true, half: true, seed: 2 },
    ],
    ['NVIDIA stylegan2-ada .pkl (persistence records), 64 px', { format: 'nvidia', resolution: 64, channelMax: 32 }],
    ['rosinality .pt, 256 px', { format: 'rosinality', resolution: 256, channelMax: 32, seed: 3 }],
    ['NVIDIA .pkl, 256 px', { format: 'nvidia', resolution: 256, channelMax: 32, seed: 4 }],
  ];
  it.each(cases)('%s: synthesis and mapping within 1e-3', async (label, request) => {
    const { image, mapping, fixture } = await parity(label.replace(/\W+/g, '-'), request);
    console.info(
      `parity ${label}: synthesis max |Δ| ${image.toExponential(2)} over ${fixture.image.length} values, mapping (ψ ${fixture.psi}) max |Δ| ${mapping.toExponential(2)}`,
    );
    expect(image).toBeLessThan(TOLERANCE);
    expect(mapping).toBeLessThan(TOLERANCE);
    // The comparison means something only if the generator's output is far from flat.
    const spread = fixture.image.reduce((acc, v) => [Math.min(acc[0]!, v), Math.max(acc[1]!, v)], [Infinity, -Infinity]);
    expect(spread[1]! - spread[0]!).toBeGreaterThan(0.5);
  });
});

describe.runIf(hasOracle)('a checkpoint without latent_avg', () => {
  it('estimates w_avg from 4096 mapped samples, within the sampling error of PyTorch’s own estimate', async () => {
    const dir = join(root, 'no-latent-avg');
    const fixture = await makeGeneratorFixture(dir, { format: 'rosinality', resolution: 64, channelMax: 16, noLatentAvg: true, seed: 9 });
    const result = await importStylegan2(fixture.checkpoint, join(dir, 'pack'));
    expect(result.wAvgSource).toBe('estimated');
    const pack = await loadGeneratorPack(join(dir, 'pack'), runtime);
    try {
      // The average-latent encoder hands every face w_avg on every layer.
      const size = pack.inputSize;
      const [latent] = await pack.encode([{ size, data: new Float32Array(3 * size * size).fill(0.5) }]);
      const [torchAvg, torchStd] = [await f32(join(dir, 'w_avg.f32')), await f32(join(dir, 'w_std.f32'))];
      // Two independent means of 4096 samples: their difference has σ·√(2/4096); allow 5 of those.
      const worst = Math.max(
        ...Array.from(
          torchAvg,
          (v, i) => Math.abs(latent!.data[(fixture.numWs - 1) * 512 + i]! - v) / (torchStd[i]! * Math.sqrt(2 / 4096)),
        ),
      );
      expect(worst).toBeLessThan(5);
    } finally {
      await pack.close();
    }
  });
});

describe.runIf(hasOracle)('hostile checkpoints are refused and nothing runs', () => {
  const dir = join(root, 'hostile');
  const marker = join(dir, 'PWNED');
  beforeAll(async () => {
    await makeHostileCheckpoints(dir, marker);
    rmSync(marker, { force: true });
  });

  it.each([
    ['hostile-global.pkl', 'a pickle naming os.system'],
    ['hostile-global.pt', 'a torch zip naming os.system after a real tensor'],
  ])('%s (%s) is refused by name, no marker, no pack', async (file) => {
    const out = join(dir, `${file}.pack`);
    const error = await importStylegan2(join(dir, file), out).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PickleRefused);
    expect((error as PickleRefused).global).toBe('posix.system');
    expect((error as Error).message).toContain(join(dir, file));
    expect((error as Error).message).toContain('"posix.system"');
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(out)).toBe(false);

    // Control: Python's own loader runs the same file, so the refusal above is what kept it from running.
    await loadWithPython(join(dir, file));
    expect(existsSync(marker)).toBe(true);
    rmSync(marker);
  });

  it('an NVIDIA persistence record whose embedded source runs a command is read as data, never executed', async () => {
    const file = join(dir, 'hostile-persistence.pkl');
    const root = (await readTorchCheckpoint(file)) as Map<string, PersistentRecord>;
    expect(root.get('G_ema')).toMatchObject({ kind: 'persistent', className: 'Generator' });
    const error = await importStylegan2(file, join(dir, 'persistence.pack')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StyleganFormatError);
    expect(existsSync(marker)).toBe(false);

    await loadWithPython(file);
    expect(existsSync(marker)).toBe(true);
    rmSync(marker);
  });
});

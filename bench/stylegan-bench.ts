/**
 * StyleGAN2 on the CPU: a random-initialised 256 px config-f generator (the FFHQ layout: 512
 * channels up to 64 px, 14 W+ layers) converted by the import's own pack writer, then timed
 * through the product's path (loadGeneratorPack → pack.synthesize in the inference worker) and,
 * side by side, as a bare onnxruntime session on the same synthesis.onnx, at batch 1 and 8.
 * The pack runs every call at batch 8 (short batches padded, so pixels never depend on batching):
 * one image through the pack costs a full batch, which the ratio shows.
 * Run: npx tsx bench/stylegan-bench.ts   (writes bench/results/stylegan.json)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { InferenceClient } from '../app/main/inference/inference-client.ts';
import { loadGeneratorPack } from '../app/main/synthesis/packs/pack-loader.ts';
import { SeededRandom } from '../app/main/core/seeded-random.ts';
import { writeStylegan2Pack } from '../app/main/synthesis/stylegan/stylegan2-import.ts';
import type { DenseLayer, StyledConv, Stylegan2, ToRgb } from '../app/main/synthesis/stylegan/stylegan2-weights.ts';
import { isEntryPoint, writeBenchResult } from './bench-results.ts';

const RESOLUTION = 256;
const W = 512;
/** Timed runs per measurement: a 256 px config-f batch of 8 takes ~30 s on two busy cores, so few. */
const REPEATS = 1;

/** config-f channels: min(32768 / res, 512). */
const channels = (res: number): number => Math.min(32768 / res, 512);

function randomGenerator(): Stylegan2 & { wAvg: Float32Array } {
  const random = new SeededRandom(256);
  const normal = (n: number, scale = 1): Float32Array => Float32Array.from({ length: n }, () => random.normal() * scale);
  const dense = (inF: number, out: number, bias = 0): DenseLayer => ({
    inFeatures: inF,
    outFeatures: out,
    weight: normal(out * inF, 1 / Math.sqrt(inF)),
    bias: new Float32Array(out).fill(bias),
  });
  const filter = Float32Array.from([1, 3, 3, 1].flatMap((a) => [1, 3, 3, 1].map((b) => (a * b) / 16)));
  const convs: StyledConv[] = [];
  const toRgbs: ToRgb[] = [];
  let wIndex = 0;
  for (let res = 4; res <= RESOLUTION; res *= 2) {
    const cout = channels(res);
    const layers =
      res === 4
        ? [{ cin: cout, up: false }]
        : [
            { cin: channels(res / 2), up: true },
            { cin: cout, up: false },
          ];
    for (const { cin, up } of layers) {
      convs.push({
        wIndex: wIndex++,
        resolution: res,
        inChannels: cin,
        outChannels: cout,
        kernel: 3,
        affine: dense(W, cin, 1),
        weight: normal(cout * cin * 9),
        blur: up ? { size: 4, kernel: filter.map((v) => v * 4) } : null,
        noise: normal(res * res, 0.1),
        bias: new Float32Array(cout),
        gain: Math.SQRT2,
        clamp: 256,
      });
    }
    toRgbs.push({
      wIndex,
      inChannels: cout,
      affine: dense(W, cout, 1 / Math.sqrt(cout)),
      weight: normal(3 * cout),
      bias: new Float32Array(3),
      clamp: 256,
      skipUpsample: res > 4 ? { size: 4, kernel: filter.map((v) => v * 4) } : null,
    });
  }
  return {
    format: 'nvidia',
    resolution: RESOLUTION,
    numWs: wIndex + 1,
    zDim: W,
    wDim: W,
    mapping: Array.from({ length: 8 }, () => dense(W, W)),
    wAvg: normal(W, 0.3),
    constInput: normal(512 * 16),
    constChannels: 512,
    convs,
    toRgbs,
  };
}

/** Mean seconds per run; the caller warms each model up once first (first-run allocation is not throughput). */
async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < REPEATS; i += 1) await run();
  return (performance.now() - start) / REPEATS / 1000;
}

export async function benchStylegan(): Promise<{ summary: Record<string, unknown> } & Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'likeness-stylegan-bench-'));
  const runtime = new InferenceClient({});
  try {
    const model = randomGenerator();
    const writeStart = performance.now();
    await writeStylegan2Pack(model, join(dir, 'pack'), { truncation: 0.7, sourceName: 'random init', wAvgNote: 'random' });
    const writeSeconds = (performance.now() - writeStart) / 1000;
    const pack = await loadGeneratorPack(join(dir, 'pack'), runtime);
    const random = new SeededRandom(8);
    const latents = Array.from({ length: 8 }, () => ({
      layers: model.numWs,
      width: W,
      data: Float32Array.from({ length: model.numWs * W }, () => random.normal()),
    }));
    await pack.synthesize(latents.slice(0, 1));
    const packOne = await timed(() => pack.synthesize(latents.slice(0, 1)));
    const packEight = await timed(() => pack.synthesize(latents));
    await pack.close();

    const session = await ort.InferenceSession.create(join(dir, 'pack', 'synthesis.onnx'), { intraOpNumThreads: cpus().length });
    const feed = (batch: number) => ({
      w_plus: new ort.Tensor('float32', new Float32Array(batch * model.numWs * W).fill(0.1), [batch, model.numWs, W]),
    });
    await session.run(feed(1));
    const bareOne = await timed(() => session.run(feed(1)));
    const bareEight = await timed(() => session.run(feed(8)));
    await session.release();

    const perSecond = (seconds: number, images: number): number => Number((images / seconds).toFixed(3));
    const summary = {
      generator: `StyleGAN2 config-f ${RESOLUTION} px, random init`,
      packImagesPerSecondBatch1: perSecond(packOne, 1),
      packImagesPerSecondBatch8: perSecond(packEight, 8),
      bareImagesPerSecondBatch1: perSecond(bareOne, 1),
      bareImagesPerSecondBatch8: perSecond(bareEight, 8),
      packVsBareBatch8: Number((bareEight / packEight).toFixed(3)),
      packWriteSeconds: Number(writeSeconds.toFixed(1)),
    };
    let commit = 'unknown';
    try {
      commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    } catch {
      // outside a git checkout the result is still useful, just unstamped
    }
    return { commit, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'cpu', repeats: REPEATS, summary };
  } finally {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isEntryPoint(import.meta.url)) {
  const result = await benchStylegan();
  writeBenchResult('stylegan', result);
  process.stdout.write(`stylegan   ${JSON.stringify(result.summary)}\n`);
}

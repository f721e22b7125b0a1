/**
 * Vision throughput on real photos from ../shared/faces: the analyze job handler itself (decode,
 * detect, mesh, five points, align, quality, every enabled embedder, person mask, aligned crop and
 * mask PNGs, SQLite writes, centroids) run by the job queue on a fresh project, beside the bare ONNX
 * inference the same images need (one detector and selfie run per image, one mesh and one run of
 * each embedder per face, timed on those photos), and their ratio. Stamped with the commit it measured.
 * Run: npx tsx bench/vision-bench.ts  (writes bench/results/vision.json)
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { datasetHandlers } from '../app/main/dataset/dataset-api.ts';
import { importJobHandler } from '../app/main/dataset/import-job.ts';
import { EventBus } from '../app/main/core/event-bus.ts';
import { InferenceClient } from '../app/main/inference/inference-client.ts';
import { Workspace } from '../app/main/project/workspace.ts';
import { AnalyzeParams, analyzeJobHandler } from '../app/main/vision/analyze-job.ts';
import { analysisCounts } from '../app/main/vision/analysis-store.ts';
import type { FloatRgb } from '../app/main/vision/bilinear-warp.ts';
import { embeddingSpecs } from '../app/main/vision/embedding-models.ts';
import type { VisionModelName } from '../app/main/vision/model-files.ts';
import { VisionRuntime } from '../app/main/vision/vision-runtime.ts';
import { sharedFacesDir } from '../test/fixtures/shared-faces.ts';
import { isEntryPoint, writeBenchResult } from './bench-results.ts';
import { listLabelledImages } from './eval-identity.ts';

export interface VisionBenchResult {
  readonly images: number;
  readonly faces: number;
  readonly seconds: number;
  /** The analyze job, end to end: what a user waits for. */
  readonly imagesPerSecond: number;
  readonly facesPerSecond: number;
  readonly embeddingModels: readonly string[];
  /** The same images' model runs alone on the same worker: per image, then in total. */
  readonly bareInferenceMsPerImage: number;
  readonly endToEndMsPerImage: number;
  /** End to end over bare inference: 1 would mean the pipeline costs nothing beyond the models. */
  readonly ratio: number;
  readonly bareMsPerRun: Record<string, number>;
  readonly provider: string;
  readonly machine: { readonly cpus: number; readonly node: string };
}

/** Every n-th image of each set, so the three sets (colour photos, ORL, Yale lighting) all count. */
function sample(limit: number): { identity: string; path: string }[] {
  const all = listLabelledImages(sharedFacesDir);
  const step = Math.max(1, Math.floor(all.length / limit));
  return all.filter((_, i) => i % step === 0).slice(0, limit);
}

export async function benchVision(options: { images?: number } = {}): Promise<VisionBenchResult> {
  const images = sample(options.images ?? 120);
  const dir = mkdtempSync(join(tmpdir(), 'likeness-vision-bench-'));
  const client = new InferenceClient();
  const events = new EventBus();
  const runtime = new VisionRuntime(client);
  const workspace = new Workspace({
    settingsDir: join(dir, 'settings'),
    events,
    jobHandlers: (session) => [importJobHandler(session, events), analyzeJobHandler(session, events, () => runtime)],
  });
  try {
    // The sampled photos as an ImageFolder of links (the photos stay in ../shared).
    const root = join(dir, 'dataset');
    for (const image of images) {
      const folder = join(root, image.identity.replace('/', '_'));
      mkdirSync(folder, { recursive: true });
      symlinkSync(image.path, join(folder, basename(image.path)));
    }
    await workspace.open(join(dir, 'bench.likeness'), 'create');
    await datasetHandlers(workspace)['dataset.import']({ layout: 'imagefolder', root });
    const session = workspace.require();
    await session.jobs.idle();
    const params = AnalyzeParams.parse({});
    // Warm-up outside the timing: every model the job uses is loaded once.
    for (const model of ['blazeface', 'facemesh', 'selfie', ...params.embeddingModels] as VisionModelName[]) await runtime.model(model);

    const started = performance.now();
    session.jobs.enqueue('analyze', params);
    await session.jobs.idle();
    const seconds = (performance.now() - started) / 1000;
    const counts = analysisCounts(session.db);
    if (counts.pending > 0) throw new Error(`the analyze job left ${counts.pending} images pending`);
    const { faces } = session.db.prepare('SELECT count(*) AS faces FROM faces').get() as { faces: number };

    const perRun: Record<string, number> = {};
    for (const model of [
      'blazeface',
      'facemesh',
      'selfie',
      ...params.embeddingModels.map((m) => embeddingSpecs[m].model),
    ] as VisionModelName[]) {
      perRun[model] = await bareRunMs(runtime, model, images);
    }
    // Per image: one detector run and, per face, one mesh, one selfie mask and one run per embedder.
    const perFace = perRun.facemesh + perRun.selfie + params.embeddingModels.reduce((sum, m) => sum + perRun[embeddingSpecs[m].model], 0);
    const bareTotalMs = images.length * perRun.blazeface + faces * perFace;
    const handle = await runtime.model('blazeface');
    return {
      images: images.length,
      faces,
      seconds,
      imagesPerSecond: images.length / seconds,
      facesPerSecond: faces / seconds,
      embeddingModels: params.embeddingModels,
      bareInferenceMsPerImage: bareTotalMs / images.length,
      endToEndMsPerImage: (seconds * 1000) / images.length,
      ratio: (seconds * 1000) / bareTotalMs,
      bareMsPerRun: perRun,
      provider: handle.provider,
      machine: { cpus: availableParallelism(), node: process.version },
    };
  } finally {
    await workspace.close();
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Median time of one batch-1 run of `name` on the bench's own photos (each resized to the model's
 * input, the first 15 in turn), on the same worker the job used: the baseline sees the very images
 * the job analysed, not a constant tensor.
 */
async function bareRunMs(runtime: VisionRuntime, name: VisionModelName, images: readonly { path: string }[]): Promise<number> {
  const size = runtime.inputSize(name);
  const frames: FloatRgb[] = [];
  for (const image of images.slice(0, 15)) {
    const rgb = await sharp(image.path).resize(size, size, { fit: 'fill' }).removeAlpha().toColourspace('srgb').raw().toBuffer();
    frames.push({ width: size, height: size, data: Float32Array.from(rgb) });
  }
  await runtime.runFrames(name, [frames[0]!]);
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const frame = frames[i % frames.length]!;
    const t = performance.now();
    await runtime.runFrames(name, [frame]);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

if (isEntryPoint(import.meta.url)) {
  const result = await benchVision();
  writeBenchResult('vision', result);
  console.log(
    `analyze job: ${result.images} images (${result.faces} faces) in ${result.seconds.toFixed(1)} s = ${result.imagesPerSecond.toFixed(1)} images/s ` +
      `(${result.embeddingModels.join(' + ')}, ${result.provider}, ${result.machine.cpus} cores); ${result.endToEndMsPerImage.toFixed(1)} ms/image vs ` +
      `${result.bareInferenceMsPerImage.toFixed(1)} ms bare inference: ratio ${result.ratio.toFixed(2)}`,
  );
}

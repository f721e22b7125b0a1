/**
 * Vision throughput on real photos from ../shared/faces: faces per second end to end (decode,
 * detect, mesh, five points, align, quality, embed with the default model) beside the bare ONNX
 * inference time of the same models on the same inputs, and their ratio (how much the pipeline
 * around the models costs). Run: npx tsx bench/vision-bench.ts  (writes bench/results/vision.json)
 */
import { availableParallelism } from 'node:os';
import { mapInOrder } from '../app/main/dataset/ordered-pool.ts';
import { InferenceClient } from '../app/main/inference/inference-client.ts';
import { PIPELINE_DEPTH } from '../app/main/vision/analyze-job.ts';
import { float32Tensor } from '../app/main/inference/tensor-data.ts';
import { DEFAULT_EMBEDDING_MODEL, embeddingSpecs } from '../app/main/vision/embedding-models.ts';
import { analyseImage } from '../app/main/vision/face-analysis.ts';
import type { VisionModelName } from '../app/main/vision/model-files.ts';
import { decodeRgb } from '../app/main/vision/rgb-image.ts';
import { VisionRuntime } from '../app/main/vision/vision-runtime.ts';
import { sharedFacesDir } from '../test/fixtures/shared-faces.ts';
import { isEntryPoint, writeBenchResult } from './bench-results.ts';
import { listLabelledImages } from './eval-identity.ts';

export interface VisionBenchResult {
  readonly images: number;
  readonly faces: number;
  readonly seconds: number;
  readonly facesPerSecond: number;
  /** One detector + one mesh + one embedding run per face, timed alone on the same worker. */
  readonly bareInferenceMsPerFace: number;
  readonly endToEndMsPerFace: number;
  /** End to end over bare inference: 1 would mean the pipeline costs nothing beyond the models. */
  readonly ratio: number;
  readonly provider: string;
  readonly embeddingModel: string;
  readonly machine: { readonly cpus: number; readonly node: string };
}

/** Every n-th image of each set, so the three sets (colour chips, ORL, Yale lighting) all count. */
function sample(limit: number): string[] {
  const all = listLabelledImages(sharedFacesDir);
  const step = Math.max(1, Math.floor(all.length / limit));
  return all.filter((_, i) => i % step === 0).slice(0, limit).map((image) => image.path);
}

export async function benchVision(options: { images?: number } = {}): Promise<VisionBenchResult> {
  const paths = sample(options.images ?? 120);
  const client = new InferenceClient();
  try {
    const runtime = new VisionRuntime(client);
    const embeddingModels = [DEFAULT_EMBEDDING_MODEL];
    // Warm-up: load every model and let ORT settle its allocations before timing.
    await analyseImage(await decodeRgb(paths[0]), runtime, { embeddingModels });

    let faces = 0;
    const started = performance.now();
    // As the analyze job runs: two images in flight, so one's decoding and warping overlaps the other's inference.
    for await (const analysis of mapInOrder(paths, PIPELINE_DEPTH, async (path) => analyseImage(await decodeRgb(path), runtime, { embeddingModels }))) {
      faces += analysis.faces.length;
    }
    const seconds = (performance.now() - started) / 1000;

    const bareMs = await bareInferenceMs(client, runtime, [
      ['blazeface', 1],
      ['facemesh', 1],
      [embeddingSpecs[DEFAULT_EMBEDDING_MODEL].model, 1],
    ]);
    const endToEndMsPerFace = (seconds * 1000) / Math.max(1, faces);
    const handle = await runtime.model('blazeface');
    return {
      images: paths.length,
      faces,
      seconds,
      facesPerSecond: faces / seconds,
      bareInferenceMsPerFace: bareMs,
      endToEndMsPerFace,
      ratio: endToEndMsPerFace / bareMs,
      provider: handle.provider,
      embeddingModel: DEFAULT_EMBEDDING_MODEL,
      machine: { cpus: availableParallelism(), node: process.version },
    };
  } finally {
    await client.close();
  }
}

/** Median-of-runs time of the listed models on constant input of their own size, summed. */
async function bareInferenceMs(client: InferenceClient, runtime: VisionRuntime, models: readonly [VisionModelName, number][]): Promise<number> {
  let total = 0;
  for (const [name, batch] of models) {
    const handle = await runtime.model(name);
    const size = runtime.inputSize(name);
    const feed = () => ({ [handle.inputs[0].name]: float32Tensor(new Float32Array(batch * size * size * 3).fill(0.5), [batch, size, size, 3]) });
    await client.run(handle, feed());
    const times: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      await client.run(handle, feed());
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    total += times[times.length >> 1];
  }
  return total;
}

if (isEntryPoint(import.meta.url)) {
  const result = await benchVision();
  writeBenchResult('vision', result);
  console.log(
    `${result.faces} faces in ${result.seconds.toFixed(1)} s: ${result.facesPerSecond.toFixed(1)} faces/s (${result.provider}, ${result.machine.cpus} cores); ` +
      `${result.endToEndMsPerFace.toFixed(1)} ms/face end to end vs ${result.bareInferenceMsPerFace.toFixed(1)} ms bare inference: ratio ${result.ratio.toFixed(2)}`,
  );
}

/**
 * `tsx tools/models/benchmark.ts`: per model, how long the conversion takes,
 * ONNX Runtime CPU inference (batch 1, median of 20) against the original on
 * tfjs-wasm, and the largest output difference between the two — printed as a
 * Markdown table.
 */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { convertTfjsGraph } from './convert.ts';
import { MODELS, conversionOptions, type CatalogModel } from './model-catalog.ts';
import { encodeModelProto } from '../../app/main/onnx/onnx-builder.ts';
import { normaliseInput, sampleImage } from './sample-input.ts';
import { graphFiles, readSourceModel } from './source-model.ts';
import { inputShapeOf, parseTfjsGraph } from './tfjs-graph.ts';
import { loadReferenceModel, runReference } from './tfjs-reference.ts';

const RUNS = 20;
const WARMUP = 3;
const CONVERSIONS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function timeRuns(run: () => Promise<unknown>, runs: number): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return median(times);
}

async function measure(model: CatalogModel): Promise<string> {
  const source = graphFiles(await readSourceModel(model), model.id);
  const options = conversionOptions(model);
  const convert = () => encodeModelProto(convertTfjsGraph(parseTfjsGraph(source.json, source.weightData), options));
  const bytes = convert();
  const conversionTimes: number[] = [];
  for (let i = 0; i < CONVERSIONS; i++) {
    const started = performance.now();
    convert();
    conversionTimes.push(performance.now() - started);
  }

  const [, height, width] = inputShapeOf(source.json);
  const shape = [1, height, width, 3];
  const input = normaliseInput((await sampleImage(width, height)).pixels, model.input);
  const feeds = { input: new ort.Tensor('float32', input, shape) };

  const timings: string[] = [];
  let onnxOutputs: Float32Array[] = [];
  for (const intraOpNumThreads of [0, 1]) {
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads });
    timings.push((await timeRuns(() => session.run(feeds), RUNS)).toFixed(2));
    const result = await session.run(feeds);
    onnxOutputs = options.outputs.map((o) => result[o.name].data as Float32Array);
    await session.release();
  }
  const reference = await loadReferenceModel(source.json, source.weightData);
  const tfjsTime = await timeRuns(() => runReference(reference, input, shape, options.outputs), RUNS);
  const tfjsOutputs = await runReference(reference, input, shape, options.outputs);
  reference.dispose();

  const maxDiff = Math.max(
    ...onnxOutputs.map((out, i) => out.reduce((worst, v, k) => Math.max(worst, Math.abs(v - tfjsOutputs[i][k])), 0)),
  );
  return `| ${model.id} | ${median(conversionTimes).toFixed(0)} | ${timings[0]} | ${timings[1]} | ${tfjsTime.toFixed(2)} | ${maxDiff.toExponential(2)} |`;
}

console.log(
  `ONNX Runtime ${ort.env.versions.common}, CPU, ${availableParallelism()} logical cores; tfjs-wasm single-threaded (SIMD). Times in ms, medians.`,
);
console.log('| model | convert | onnx (default threads) | onnx (1 thread) | tfjs-wasm | max abs diff |');
console.log('|---|---|---|---|---|---|');
for (const model of MODELS.filter((m) => m.source.format === 'tfjs-graph')) console.log(await measure(model));

/**
 * The original tfjs model run by @tensorflow/tfjs on the wasm backend, loaded
 * from local files only: the reference the converted ONNX models are checked
 * against.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { OutputSpec } from './convert.ts';
import { weightSpecsOf, type TfjsModelJson } from './tfjs-graph.ts';

let ready: Promise<void> | undefined;

/** Selects the wasm backend once per process, with its .wasm binaries read from node_modules. */
export function useWasmBackend(): Promise<void> {
  ready ??= (async () => {
    const wasmDir = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    setWasmPaths(`${wasmDir}/`);
    if (!(await tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend failed to initialise');
    await tf.ready();
  })();
  return ready;
}

/** Loads a graph model from an in-memory model.json and weights buffer, with no network access. */
export async function loadReferenceModel(json: TfjsModelJson, weightData: Uint8Array): Promise<tf.GraphModel> {
  await useWasmBackend();
  const weights = weightData.slice().buffer;
  const handler: tf.io.IOHandler = {
    load: async () => ({
      modelTopology: json.modelTopology,
      weightSpecs: weightSpecsOf(json) as tf.io.WeightsManifestEntry[],
      weightData: weights,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      signature: json.signature,
      userDefinedMetadata: json.userDefinedMetadata as Record<string, object> | undefined,
    }),
  };
  return tf.loadGraphModel(handler);
}

/**
 * Runs the model on one NHWC float input and returns each requested output as
 * a flat array; an output built from several tfjs tensors is concatenated
 * along its axis, exactly as the converter does.
 */
export async function runReference(
  model: tf.GraphModel,
  input: Float32Array,
  shape: number[],
  outputs: OutputSpec[],
): Promise<Float32Array[]> {
  return Promise.all(
    tf
      .tidy(() => {
        // One execution for all outputs, so timings measure a single forward pass.
        const names = outputs.flatMap((spec) => spec.from);
        const result = model.execute(tf.tensor(input, shape, 'float32'), names);
        const tensors = Array.isArray(result) ? result : [result];
        const byName = new Map(names.map((name, i) => [name, tensors[i]]));
        return outputs.map((spec) => {
          const parts = spec.from.map((name) => byName.get(name) as tf.Tensor);
          return parts.length === 1 ? parts[0] : tf.concat(parts, spec.concatAxis);
        });
      })
      .map(async (tensor) => {
        const data = (await tensor.data()) as Float32Array;
        tensor.dispose();
        return data;
      }),
  );
}

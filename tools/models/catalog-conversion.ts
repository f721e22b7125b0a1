/** A catalog model's source → its ONNX ModelProto: graph models op by op, weights-only ones through their described network. */
import type { onnx } from 'onnx-proto';
import { convertTfjsGraph } from './convert.ts';
import { buildDlibResnet } from './dlib-resnet.ts';
import { conversionOptions, type CatalogModel } from './model-catalog.ts';
import type { SourceModel } from './source-model.ts';
import { parseTfjsGraph } from './tfjs-graph.ts';
import { decodeWeights } from './tfjs-weights.ts';

export function convertCatalogModel(model: CatalogModel, source: SourceModel): onnx.ModelProto {
  const options = conversionOptions(model);
  const { files } = source;
  if (files.format === 'tfjs-graph') return convertTfjsGraph(parseTfjsGraph(files.json, files.weightData), options);
  if (model.source.format !== 'tfjs-weights' || options.outputs.length !== 1)
    throw new Error(`${model.id}: a weights-only source needs a described network with one output`);
  const weights = decodeWeights(
    files.manifest.flatMap((group) => group.weights),
    files.weightData,
  );
  return buildDlibResnet(weights, { ...options, outputName: options.outputs[0].name });
}

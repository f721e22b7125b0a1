/**
 * Writes models/<id>.manifest.json (its schema is app/main/onnx/model-manifest.ts) from the catalog
 * plus facts measured at build time: hashes and the ONNX signature.
 */
import type { onnx } from 'onnx-proto';
import type { ShapeDim } from '../../app/main/onnx/onnx-builder.ts';
import { onnxFileOf, type ModelManifest, type Normalisation } from '../../app/main/onnx/model-manifest.ts';
import { modelSignature } from '../../app/main/onnx/onnx-signature.ts';
import { CONVERTER_VERSION, OPSET, PRODUCER_NAME } from './convert.ts';
import type { CatalogModel } from './model-catalog.ts';
import type { SourceModel } from './source-model.ts';

/** Rounded so that e.g. (255 − 103.939) / 1 is written as 151.061, not 151.06099999999998. */
function tidy(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function valueRange(normalisation: Normalisation): [number, number] {
  const ends = normalisation.mean.flatMap((mean, c) => [0, 255].map((pixel) => (pixel - mean) / normalisation.std[c]));
  return [tidy(Math.min(...ends)), tidy(Math.max(...ends))];
}

export function createManifest(model: CatalogModel, source: SourceModel, onnxModel: onnx.IModelProto, onnxSha256: string): ModelManifest {
  const signature = modelSignature(onnxModel);
  const [input] = signature.inputs;
  const outputShape = (name: string): ShapeDim[] => {
    const found = signature.outputs.find((o) => o.name === name);
    if (!found) throw new Error(`${model.id}: the ONNX model has no output "${name}"`);
    return [...found.dims];
  };
  return {
    id: model.id,
    role: model.role,
    description: model.description,
    source: {
      package: model.source.package,
      version: source.packageVersion,
      file: source.modelJson.file,
      sha256: source.modelJson.sha256,
      weights: source.weights,
    },
    onnx: { file: onnxFileOf(model.id), sha256: onnxSha256, opset: OPSET, converter: `${PRODUCER_NAME} ${CONVERTER_VERSION}` },
    inputs: [
      {
        name: input.name,
        tfjsName: model.input.tfjsName,
        shape: [...input.dims],
        dtype: 'float32',
        layout: 'NHWC',
        colour: model.input.colour,
        range: valueRange(model.input.normalisation),
        normalisation: model.input.normalisation,
      },
    ],
    outputs: model.outputs.map((output) => ({
      name: output.name,
      tfjsNames: output.from,
      ...(output.concatAxis === undefined ? {} : { concatAxis: output.concatAxis }),
      shape: outputShape(output.name),
      dtype: 'float32',
      meaning: output.meaning,
    })),
    licence: model.licence,
  };
}

/** Pretty JSON with arrays of plain values (shapes, means, names) kept on one line. */
export function serialiseManifest(manifest: ModelManifest): string {
  const pretty = JSON.stringify(manifest, null, 2).replace(
    /\[\s+([^[\]{}]*?)\s+\]/g,
    (_, items: string) => `[${items.split(/,\s+/).join(', ')}]`,
  );
  return `${pretty}\n`;
}

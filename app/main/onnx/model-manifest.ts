import { z } from 'zod';

/**
 * `models/<id>.manifest.json`: everything the app needs to find, verify and feed a converted model.
 * Declared once here: tools/models writes it (from the catalog plus facts measured at build time,
 * never edited by hand) and the vision runtime reads it back through this schema.
 */
const Dim = z.union([z.number(), z.string()]);
const FileHash = z.object({ file: z.string(), sha256: z.string() });

/** x[c] = (pixel[c] − mean[c]) / std[c] for 0..255 pixels, channels in the input's `colour` order. */
export const Normalisation = z.object({
  formula: z.string(),
  mean: z.tuple([z.number(), z.number(), z.number()]),
  std: z.tuple([z.number(), z.number(), z.number()]),
});

export const ManifestInput = z.object({
  name: z.string(),
  tfjsName: z.string(),
  shape: z.array(Dim),
  dtype: z.literal('float32'),
  layout: z.literal('NHWC'),
  colour: z.enum(['RGB', 'BGR']),
  /** Smallest and largest value a normalised 0..255 pixel can take. */
  range: z.tuple([z.number(), z.number()]),
  normalisation: Normalisation,
});

export const ManifestOutput = z.object({
  name: z.string(),
  /** The tfjs tensors behind this output; several are concatenated along `concatAxis` in the order listed. */
  tfjsNames: z.array(z.string()),
  concatAxis: z.number().int().optional(),
  shape: z.array(Dim),
  dtype: z.literal('float32'),
  meaning: z.string(),
});

export const ModelManifest = z.object({
  id: z.string(),
  role: z.enum(['detector', 'landmarks', 'embedding', 'segmentation']),
  description: z.string(),
  source: z.object({ package: z.string(), version: z.string(), file: z.string(), sha256: z.string(), weights: z.array(FileHash) }),
  onnx: z.object({ file: z.string(), sha256: z.string(), opset: z.number().int(), converter: z.string() }),
  inputs: z.array(ManifestInput).min(1),
  outputs: z.array(ManifestOutput),
  licence: z.object({
    spdx: z.literal('MIT'),
    attribution: z.string(),
    upstream: z.object({ project: z.string(), url: z.string(), licence: z.string() }),
  }),
});

export type Normalisation = z.infer<typeof Normalisation>;
export type ManifestInput = z.infer<typeof ManifestInput>;
export type ManifestOutput = z.infer<typeof ManifestOutput>;
export type ModelManifest = z.infer<typeof ModelManifest>;
export type ModelRole = ModelManifest['role'];
export type Licence = ModelManifest['licence'];

export function onnxFileOf(id: string): string {
  return `onnx/${id}.onnx`;
}

export function manifestFileOf(id: string): string {
  return `${id}.manifest.json`;
}

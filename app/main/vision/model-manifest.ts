import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { modelsDir, type VisionModelName } from './model-files.ts';

/** The part of `models/<name>.manifest.json` (written by tools/models) that feeding a model needs. */
const InputSpec = z.object({
  name: z.string(),
  shape: z.array(z.union([z.number(), z.string()])),
  colour: z.enum(['RGB', 'BGR']),
  normalisation: z.object({
    mean: z.array(z.number()).length(3),
    std: z.array(z.number()).length(3),
  }),
});

const Manifest = z.object({
  id: z.string(),
  inputs: z.array(InputSpec).min(1),
  outputs: z.array(z.object({ name: z.string(), shape: z.array(z.union([z.number(), z.string()])) })),
});

export type ModelManifest = z.infer<typeof Manifest>;
export type ModelInputSpec = z.infer<typeof InputSpec>;

const cache = new Map<string, ModelManifest>();

export function readModelManifest(name: VisionModelName, dir: string = modelsDir()): ModelManifest {
  const path = join(dir, `${name}.manifest.json`);
  let manifest = cache.get(path);
  if (!manifest) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new Error(`${path}: cannot read the model manifest (${(error as Error).message}); build it with \`npm run models\``, {
        cause: error,
      });
    }
    manifest = Manifest.parse(raw);
    cache.set(path, manifest);
  }
  return manifest;
}

/**
 * Interleaved RGB samples (0‥255) → the model's input values, per its manifest: channel order
 * (RGB or BGR), then (value − mean) / std per channel. `out` may be a slice of a batch buffer.
 */
export function normaliseInto(input: ModelInputSpec, rgb: Float32Array, out: Float32Array, offset = 0): void {
  const [m0, m1, m2] = input.normalisation.mean;
  const [s0, s1, s2] = input.normalisation.std;
  const bgr = input.colour === 'BGR';
  for (let i = 0; i < rgb.length; i += 3) {
    const r = rgb[i];
    const b = rgb[i + 2];
    out[offset + i] = ((bgr ? b : r) - m0) / s0;
    out[offset + i + 1] = (rgb[i + 1] - m1) / s1;
    out[offset + i + 2] = ((bgr ? r : b) - m2) / s2;
  }
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelManifest, type ManifestInput } from '../onnx/model-manifest.ts';
import { modelsDir, type VisionModelName } from './model-files.ts';

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
    manifest = ModelManifest.parse(raw);
    cache.set(path, manifest);
  }
  return manifest;
}

/**
 * Interleaved RGB samples (0‥255) → the model's input values, per its manifest: channel order
 * (RGB or BGR), then (value − mean) / std per channel. `out` may be a slice of a batch buffer.
 */
export function normaliseInto(input: ManifestInput, rgb: Float32Array, out: Float32Array, offset = 0): void {
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

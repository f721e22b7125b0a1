import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type VisionModelName = 'blazeface' | 'facemesh' | 'mobileface' | 'faceres' | 'faceres-deep' | 'dlib' | 'selfie';

/**
 * The folder holding `onnx/<name>.onnx` (built by `npm run models`). `LIKENESS_MODELS_DIR` overrides;
 * otherwise the repository's `models/`, found from this file in source (app/main/vision) and in the
 * bundle (out/main).
 */
export function modelsDir(): string {
  const override = process.env.LIKENESS_MODELS_DIR;
  if (override) return resolve(override);
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../../../models'), resolve(here, '../../models')];
  return candidates.find((dir) => existsSync(join(dir, 'onnx'))) ?? candidates[0];
}

export function modelFile(name: VisionModelName, dir: string = modelsDir()): string {
  return join(dir, 'onnx', `${name}.onnx`);
}

import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelManifest } from './model-manifest.ts';
import { readModelSignature } from './onnx-signature.ts';

const modelsDir = resolve(import.meta.dirname, '../../../models');
const manifests = readdirSync(modelsDir).filter((name) => name.endsWith('.manifest.json'));

describe('the model manifests tools/models writes and the app reads', () => {
  it('all parse with the one schema', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(6);
    for (const name of manifests) {
      const parsed = ModelManifest.safeParse(JSON.parse(readFileSync(join(modelsDir, name), 'utf8')));
      expect(parsed.success ? null : `${name}: ${parsed.error.message}`).toBeNull();
    }
  });

  it('declare the inputs and outputs the ONNX files themselves declare, read by the same signature reader packs use', async () => {
    for (const name of manifests) {
      const manifest = ModelManifest.parse(JSON.parse(readFileSync(join(modelsDir, name), 'utf8')));
      const signature = await readModelSignature(join(modelsDir, manifest.onnx.file));
      expect(
        signature.inputs.map((i) => [i.name, i.dims]),
        manifest.id,
      ).toEqual(manifest.inputs.map((i) => [i.name, i.shape]));
      expect(
        signature.outputs.map((o) => [o.name, o.dims]),
        manifest.id,
      ).toEqual(manifest.outputs.map((o) => [o.name, o.shape]));
      expect(signature.opsets, manifest.id).toEqual([manifest.onnx.opset]);
    }
  });
});

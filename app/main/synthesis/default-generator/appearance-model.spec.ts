import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedFacesOrSkip } from '../../../../test/fixtures/shared-faces.ts';
import { InferenceClient } from '../../inference/inference-client.ts';
import { defaultFitOptions, fitAppearanceModel } from './appearance-model-fit.ts';
import { exportDefaultPack } from './default-pack-export.ts';
import { FaceChipSource } from '../sources/face-chip-source.ts';
import type { GeneratorPack } from '../packs/generator-pack.ts';
import type { PlanarImage } from '../packs/image-tensor.ts';
import { applyOps } from '../edits/latent-edit.ts';
import { loadGeneratorPack } from '../packs/pack-loader.ts';
import { sharedFaceChips } from '../testing/shared-face-chips.ts';

const root = mkdtempSync(join(tmpdir(), 'likeness-appearance-'));
const runtime = new InferenceClient({ threadsPerWorker: 2 });
afterAll(async () => {
  await runtime.close();
  rmSync(root, { recursive: true, force: true });
});

/** Mean luminance of the right half of the face minus the left half (image sides). */
function rightMinusLeft(image: PlanarImage): number {
  const { size, data } = image;
  const plane = size * size;
  let right = 0;
  let left = 0;
  for (let y = Math.floor(size * 0.35); y < Math.floor(size * 0.8); y += 1) {
    for (let x = Math.floor(size * 0.3); x < Math.floor(size * 0.7); x += 1) {
      const i = y * size + x;
      const l = 0.299 * data[i] + 0.587 * data[plane + i] + 0.114 * data[2 * plane + i];
      if (x >= size / 2) right += l;
      else left += l;
    }
  }
  return (right - left) / (plane * 0.09);
}

describe.skipIf(!sharedFacesOrSkip())('default generator (linear appearance model)', () => {
  let yale: GeneratorPack;
  let yaleFaces: FaceChipSource;

  beforeAll(async () => {
    // Four people under all 64 lights: the illumination basis has real lighting to learn.
    yaleFaces = new FaceChipSource(sharedFaceChips(['yale']).filter((c) => c.identityId! <= 4));
    const model = await fitAppearanceModel(yaleFaces, yaleFaces.faces(), defaultFitOptions);
    expect(model.directions.map((d) => d.name)).toEqual(['light_left_right', 'light_top_bottom', 'brightness']);
    await exportDefaultPack(join(root, 'yale'), model);
    yale = await loadGeneratorPack(join(root, 'yale'), runtime);
  });
  afterAll(async () => {
    await yale?.close();
  });

  it('inverts exactly: encoding a synthesized latent gives the latent back', async () => {
    const crops = await Promise.all([3, 70, 200].map((id) => yaleFaces.alignedCrop(id, yale.inputSize)));
    const latents = await yale.encode(crops);
    const again = await yale.encode(await yale.synthesize(latents));
    for (const [i, latent] of latents.entries()) {
      let error = 0;
      let norm = 0;
      for (let j = 0; j < latent.data.length; j += 1) {
        error += (latent.data[j] - again[i].data[j]) ** 2;
        norm += latent.data[j] ** 2;
      }
      expect(Math.sqrt(error / norm)).toBeLessThan(1e-3);
    }
  });

  it('relights along the fitted direction: positive strength brightens the right side of the face', async () => {
    const crops = await Promise.all([5, 40, 100, 150, 250].map((id) => yaleFaces.alignedCrop(id, yale.inputSize)));
    const latents = await yale.encode(crops);
    const lit = (strength: number) =>
      yale.synthesize(latents.map((l) => applyOps(yale, l, [{ type: 'direction', name: 'light_left_right', strength }], () => l)));
    const [plus, minus] = await Promise.all([lit(2), lit(-2)]);
    for (let i = 0; i < crops.length; i += 1) expect(rightMinusLeft(plus[i]) - rightMinusLeft(minus[i])).toBeGreaterThan(0.05);
  });

  it('keeps colour on colour photos: a johns face reconstructs with distinct channels', async () => {
    const johns = new FaceChipSource(sharedFaceChips(['johns']));
    const model = await fitAppearanceModel(johns, johns.faces(), defaultFitOptions);
    await exportDefaultPack(join(root, 'johns'), model);
    const pack = await loadGeneratorPack(join(root, 'johns'), runtime);
    try {
      const crop = await johns.alignedCrop(johns.faces()[0].faceId, pack.inputSize);
      const [reconstruction] = await pack.synthesize(await pack.encode([crop]));
      const plane = pack.outputSize ** 2;
      let redMinusBlue = 0;
      let error = 0;
      for (let i = 0; i < plane; i += 1) {
        redMinusBlue += reconstruction.data[i] - reconstruction.data[2 * plane + i];
        for (let c = 0; c < 3; c += 1) error += Math.abs(reconstruction.data[c * plane + i] - crop.data[c * plane + i]);
      }
      // Skin is redder than it is blue; and the model holds the face's low-frequency appearance.
      expect(redMinusBlue / plane).toBeGreaterThan(0.03);
      expect(error / (3 * plane)).toBeLessThan(0.08);
    } finally {
      await pack.close();
    }
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it, beforeAll } from 'vitest';
import type { SynthesizeRequest } from '#api/synthesis.ts';
import { sharedFacesOrSkip } from '../../../../test/fixtures/shared-faces.ts';
import { DonorPool, planRecipe } from '../edits/recipe-planner.ts';
import type { GeneratorPack } from '../packs/generator-pack.ts';
import type { PlanarImage } from '../packs/image-tensor.ts';
import type { AnalysedPhotoSource } from '../testing/analysed-photo-source.ts';
import { meshEditFixture } from '../testing/mesh-edit-fixture.ts';
import { sharedFaceChips } from '../testing/shared-face-chips.ts';
import { VariantRenderer } from '../variants/variant-renderer.ts';
import { renderExpression } from './expression.ts';
import { GridSampler } from './grid-sampler.ts';
import { POSE_CROP_SIZE, type MeshFace } from './mesh-render.ts';
import { lipGap, OPEN_MOUTH_LIP_GAP } from './mouth-cavity.ts';

const { client, load } = meshEditFixture('likeness-expression-');
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const meanDifference = (a: PlanarImage, b: PlanarImage) => a.data.reduce((s, v, i) => s + Math.abs(v - b.data[i]), 0) / a.data.length;

describe.skipIf(!sharedFacesOrSkip())('open-mouth variants in a project', () => {
  let faces: AnalysedPhotoSource;
  let pack: GeneratorPack;
  const sampler = new GridSampler(client);
  const request: SynthesizeRequest = {
    sources: { kind: 'all' },
    pack: { kind: 'default', refit: false },
    edits: [{ type: 'expression', expressions: ['open-mouth'], strength: [1, 1] }],
    variantsPerSource: 1,
    seed: 7,
    refineIterations: 0,
  };
  const meshFace = async (faceId: number): Promise<MeshFace> => ({
    image: await faces.alignedCrop(faceId, POSE_CROP_SIZE),
    mesh: (await faces.templateMesh(faceId, POSE_CROP_SIZE))!,
    validity: await faces.validityMask(faceId, POSE_CROP_SIZE),
  });

  beforeAll(async () => {
    // One ORL person (s26) whose ten photos include one with the mouth wide open (lip gap 0.20), and another person.
    const chips = sharedFaceChips(['orl']).filter((c) => /[/\\]s(26|13)[/\\]/.test(c.path));
    ({ faces, pack } = await load(chips));
  });

  it("takes the inside of an opened mouth from the same person's open-mouth photo, never another person's, byte-identically", async () => {
    const recipes = faces.faces().map((source) => planRecipe(pack, request, new DonorPool(faces.faces()), source, 0));
    const first = await new VariantRenderer(pack, faces, null, { sampler }).render(recipes);
    const again = await new VariantRenderer(pack, faces, null, { sampler: new GridSampler(client) }).render(recipes);
    expect(first.map((v) => sha(v.png))).toEqual(again.map((v) => sha(v.png)));

    const meshes = new Map<number, Float32Array>();
    for (const f of faces.faces()) meshes.set(f.faceId, (await faces.templateMesh(f.faceId, POSE_CROP_SIZE))!);
    const identities = [...new Set(faces.faces().map((f) => f.identityId))];
    const withOpen = identities.find((id) => faces.faces().some((f) => f.identityId === id && lipGap(meshes.get(f.faceId)!) > 0.15));
    const mouthClosed = identities.find((id) => faces.faces().every((f) => f.identityId !== id || lipGap(meshes.get(f.faceId)!) < 0.05));
    expect(withOpen).toBeDefined();
    expect(mouthClosed).toBeDefined();
    for (const variant of first) {
      const sourceId = variant.recipe.sourceFaceId;
      const identity = faces.faces().find((f) => f.faceId === sourceId)!.identityId;
      const face = await meshFace(sourceId);
      const shaded = (await renderExpression(face, 'open-mouth', sampler)).image;
      const difference = meanDifference(variant.image, shaded);
      // Lent from another photo the opening differs from the shaded fill; where nobody opens
      // their mouth (s13) it is the shaded fill, up to the 8-bit quantisation.
      if (identity === mouthClosed) expect(difference).toBeLessThan(0.5 / 255);
      else if (lipGap(meshes.get(sourceId)!) < 0.15) expect(difference).toBeGreaterThan(0.5 / 255);
      // The opening is as tall as the lent photo's, or, with no open mouth of the person's own and
      // fewer than ten in the project, as the shared sets' median real open mouth.
      const landmarks = variant.landmarks!;
      const opened = lipGap(
        Float32Array.from({ length: (landmarks.length / 4) * 3 }, (_, i) => landmarks[Math.floor(i / 3) * 4 + (i % 3)]),
      );
      if (identity === mouthClosed) expect(opened).toBeCloseTo(OPEN_MOUTH_LIP_GAP, 2);
      else expect(opened).toBeGreaterThan(0.15);
    }
  });
});

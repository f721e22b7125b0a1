import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedFacesDir, sharedFacesOrSkip } from '../../../../test/fixtures/shared-faces.ts';
import { InferenceClient } from '../../inference/inference-client.ts';
import { VisionRuntime } from '../../vision/vision-runtime.ts';
import { AnalysedPhotoSource } from '../testing/analysed-photo-source.ts';
import { sharedFaceChips } from '../testing/shared-face-chips.ts';
import { GridSampler } from './grid-sampler.ts';
import { rotateMesh } from './head-rotation.ts';
import { POSE_CROP_SIZE, renderPose, type MeshFace } from './mesh-render.ts';
import { planMeshWarp } from './mesh-warp.ts';

/**
 * An in-the-wild face lit from his left (mesh yaw ≈ −6°): turned +30°, the mirrored fill copied his
 * lit cheek onto the shaded one as a patch 24/255 paler than the cheek around it.
 */
const LFW_SIDE_LIT = resolve(sharedFacesDir, '../lfw/dev/Arnold_Schwarzenegger/Arnold_Schwarzenegger_0007.jpg');

const client = new InferenceClient();
afterAll(() => client.close());

describe.skipIf(!sharedFacesOrSkip())('the mirrored fill of a turned face', () => {
  const faces: { name: string; face: MeshFace }[] = [];
  const sampler = new GridSampler(client);
  const size = POSE_CROP_SIZE;
  const plane = size * size;

  beforeAll(async () => {
    if (!existsSync(LFW_SIDE_LIT) && process.env.CI) throw new Error(`${LFW_SIDE_LIT} is missing (../shared/lfw beside the checkout)`);
    const paths = [
      ...(existsSync(LFW_SIDE_LIT) ? [LFW_SIDE_LIT] : []),
      ...sharedFaceChips(['johns'], 1)
        .slice(0, 2)
        .map((c) => c.path),
    ];
    const source = await AnalysedPhotoSource.analyse(
      paths.map((path) => ({ path, identityId: null })),
      new VisionRuntime(client),
    );
    for (const { faceId } of source.faces())
      faces.push({
        name: paths[faceId - 1],
        face: {
          image: await source.alignedCrop(faceId, size),
          mesh: (await source.templateMesh(faceId, size))!,
          validity: await source.validityMask(faceId, size),
        },
      });
    expect(faces.length).toBe(paths.length);
  }, 120_000);

  it('is as bright as the cheek it fills: no pale or dark patch where the other half is lit differently', async () => {
    let filled = 0;
    for (const { name, face } of faces)
      for (const yaw of [-30, 30]) {
        const rotation = { yaw, pitch: 0, roll: 0 };
        // The plan renderPose makes (its depth scale is FaceMesh's own), and the face's own pixels under it.
        const warp = planMeshWarp(face.mesh, rotateMesh(face.mesh, rotation), size);
        const [own] = await sampler.sample(face.image.data.slice(), 3, size, [{ map: warp.direct }]);
        const turned = await renderPose(face, rotation, sampler);
        let [pixels, ownSum, turnedSum] = [0, 0, 0];
        for (let j = 0; j < plane; j += 1) {
          if (warp.mirrorWeight[j] < 0.15) continue;
          pixels += 1;
          for (let c = 0; c < 3; c += 1) {
            ownSum += own[c * plane + j] / 3;
            turnedSum += turned.image.data[c * plane + j] / 3;
          }
        }
        if (pixels < 200) continue;
        filled += 1;
        const difference = ((turnedSum - ownSum) / pixels) * 255;
        expect(Math.abs(difference), `${name} at yaw ${yaw}: the fill over ${pixels} px is ${difference.toFixed(1)}/255 off`).toBeLessThan(
          4,
        );
      }
    expect(filled).toBeGreaterThan(0);
  });
});

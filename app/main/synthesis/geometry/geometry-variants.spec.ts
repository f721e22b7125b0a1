import { afterAll, describe, expect, it } from 'vitest';
import { sharedFacesOrSkip } from '../../../../test/fixtures/shared-faces.ts';
import { InferenceClient } from '../../inference/inference-client.ts';
import { VisionRuntime } from '../../vision/vision-runtime.ts';
import { AnalysedPhotoSource } from '../testing/analysed-photo-source.ts';
import { sharedFaceChips } from '../testing/shared-face-chips.ts';
import { geometryVariants } from './geometry-variants.ts';
import { GridSampler } from './grid-sampler.ts';
import { meshPose, POSE_PRESETS } from './head-rotation.ts';
import { POSE_CROP_SIZE } from './mesh-render.ts';

const client = new InferenceClient({ threadsPerWorker: 2 });

describe.skipIf(!sharedFacesOrSkip())('geometry variants for an evaluation', () => {
  afterAll(async () => {
    await client.close();
  });

  it('makes every pose preset and every expression of a face, in a fixed order, labelled, as the job would', async () => {
    const [chip] = sharedFaceChips(['johns'], 1);
    const source = await AnalysedPhotoSource.analyse([{ path: chip.path, identityId: 1 }], new VisionRuntime(client));
    const [f] = source.faces();
    const face = {
      image: await source.alignedCrop(f.faceId, POSE_CROP_SIZE),
      mesh: (await source.templateMesh(f.faceId, POSE_CROP_SIZE))!,
      validity: await source.validityMask(f.faceId, POSE_CROP_SIZE),
    };
    const sampler = new GridSampler(client);
    const all = await geometryVariants(face, sampler);
    expect(all.map((v) => v.kind)).toEqual([...POSE_PRESETS.map(() => 'pose'), 'expression', 'expression', 'expression', 'expression']);
    expect(all.slice(-4).map((v) => v.label)).toEqual(['smile', 'open-mouth', 'closed-eyes', 'raised-brows']);
    expect(all[0].label).toBe('yaw −15° pitch +0° roll +0°');
    for (const [i, pose] of POSE_PRESETS.entries()) expect(meshPose(all[i].mesh).yaw - meshPose(face.mesh).yaw).toBeCloseTo(pose.yaw, -1);
    const poses = await geometryVariants(face, sampler, ['pose']);
    expect(poses).toHaveLength(POSE_PRESETS.length);
    expect(Buffer.from(poses[2].image.data.buffer).equals(Buffer.from(all[2].image.data.buffer))).toBe(true);
  });
});

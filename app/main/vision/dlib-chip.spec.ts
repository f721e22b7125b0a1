import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedFacesDir, sharedFacesOrSkip } from '../../../test/fixtures/shared-faces.ts';
import { InferenceClient } from '../inference/inference-client.ts';
import { applyAffine, composeAffine } from './affine.ts';
import { arcfaceToDlibChip, dlibChipPoints, dlibChipTransform, dlibPointsFromMesh, DLIB_CHIP_SIZE } from './dlib-chip.ts';
import { analyseImage } from './face-analysis.ts';
import { templatePoints } from './face-templates.ts';
import { decodeRgb } from './rgb-image.ts';
import { VisionRuntime } from './vision-runtime.ts';

describe('dlib chip template', () => {
  it('places dlib’s mean face with padding 0.25 as get_face_chip_details does', () => {
    const [outerRight, innerRight, outerLeft, innerLeft, nose] = dlibChipPoints();
    // (0.25 + 0.4901123135679) / 1.5 · 150 + 0.5: dlib's nose point in continuous pixel coordinates.
    expect(nose[0]).toBeCloseTo(74.51123, 4);
    expect(nose[1]).toBeCloseTo(((0.25 + 0.6277975316475) / 1.5) * 150 + 0.5, 9);
    expect(outerLeft[0]).toBeLessThan(innerLeft[0]);
    expect(innerLeft[0]).toBeLessThan(innerRight[0]);
    expect(innerRight[0]).toBeLessThan(outerRight[0]);
    // dlib's mean face sits about half a pixel left of the chip's centre line (its x centre is 0.490, not 0.5).
    expect(Math.abs((outerLeft[0] + outerRight[0]) / 2 - DLIB_CHIP_SIZE / 2)).toBeLessThan(1);
  });

  it('maps ArcFace’s eye centres onto the midpoints of dlib’s eye corners', () => {
    const chip = dlibChipPoints();
    const [first, second] = templatePoints('arcface');
    const toChip = arcfaceToDlibChip();
    const [x1, y1] = applyAffine(toChip, first);
    const [x2, y2] = applyAffine(toChip, second);
    expect(x1).toBeCloseTo((chip[2][0] + chip[3][0]) / 2, 6);
    expect(y1).toBeCloseTo((chip[2][1] + chip[3][1]) / 2, 6);
    expect(x2).toBeCloseTo((chip[0][0] + chip[1][0]) / 2, 6);
    expect(y2).toBeCloseTo((chip[0][1] + chip[1][1]) / 2, 6);
  });
});

describe.runIf(sharedFacesOrSkip())('dlib chip from a real face', () => {
  let client: InferenceClient;
  let runtime: VisionRuntime;

  beforeAll(() => {
    client = new InferenceClient();
    runtime = new VisionRuntime(client);
  });

  afterAll(async () => {
    await client?.close();
  });

  it('fits the mesh’s eye corners and subnasale to the template within a few chip pixels, upright', async () => {
    const image = await decodeRgb(join(sharedFacesDir, 'johns/John_Simm/000288_00470387.jpg'));
    const analysis = await analyseImage(image, runtime, { embeddingModels: ['dlib'] });
    const face = analysis.faces[analysis.primary!];
    const toChip = dlibChipTransform(face.landmarks);
    const template = dlibChipPoints();
    const residuals = dlibPointsFromMesh(face.landmarks).map((p, i) => {
      const [x, y] = applyAffine(toChip, p);
      return Math.hypot(x - template[i][0], y - template[i][1]);
    });
    expect(Math.max(...residuals)).toBeLessThan(6);
    // Both alignments agree on where the face is: the ArcFace-based placement is within a few pixels of the mesh fit.
    const viaArcface = composeAffine(arcfaceToDlibChip(), face.arcfaceTransform);
    const centre = dlibPointsFromMesh(face.landmarks)[4];
    const [ax, ay] = applyAffine(viaArcface, centre);
    const [mx, my] = applyAffine(toChip, centre);
    expect(Math.hypot(ax - mx, ay - my)).toBeLessThan(8);
  });
});

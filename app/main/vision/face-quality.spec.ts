import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedFacesDir, sharedFacesOrSkip } from '../../../test/fixtures/shared-faces.ts';
import { InferenceClient } from '../inference/inference-client.ts';
import { analyseImage, type AnalysedFace } from './face-analysis.ts';
import { headPose, qualityReport, storedSharpness } from './face-quality.ts';
import { decodeRgb } from './rgb-image.ts';
import { VisionRuntime } from './vision-runtime.ts';

/** The mesh turned about the vertical axis through its centre by `degrees` (a head turning away). */
function turned(landmarks: Float32Array, degrees: number): Float32Array {
  const n = landmarks.length / 3;
  let cx = 0;
  let cz = 0;
  for (let i = 0; i < n; i++) {
    cx += landmarks[i * 3] / n;
    cz += landmarks[i * 3 + 2] / n;
  }
  const a = (degrees * Math.PI) / 180;
  const out = Float32Array.from(landmarks);
  for (let i = 0; i < n; i++) {
    const x = landmarks[i * 3] - cx;
    const z = landmarks[i * 3 + 2] - cz;
    out[i * 3] = cx + x * Math.cos(a) - z * Math.sin(a);
    out[i * 3 + 2] = cz + x * Math.sin(a) + z * Math.cos(a);
  }
  return out;
}

describe.runIf(sharedFacesOrSkip())('face quality from the mesh', () => {
  let client: InferenceClient;
  let face: AnalysedFace;

  beforeAll(async () => {
    client = new InferenceClient();
    const image = await decodeRgb(join(sharedFacesDir, 'johns/John_Simm/000288_00470387.jpg'));
    const analysis = await analyseImage(image, new VisionRuntime(client), { embeddingModels: ['dlib'] });
    face = analysis.faces[analysis.primary!];
  });

  afterAll(async () => {
    await client?.close();
  });

  it('finds a frontal portrait frontal and unflagged', () => {
    expect(Math.abs(face.qualityReport.yaw)).toBeLessThan(20);
    expect(Math.abs(face.qualityReport.pitch)).toBeLessThan(25);
    expect(face.qualityReport.flags).toEqual([]);
  });

  it('measures a head turned by 60° as about 60° of yaw, and flags it as a profile', () => {
    const { yaw } = headPose(turned(face.landmarks, 60));
    expect(Math.abs(yaw - face.qualityReport.yaw)).toBeGreaterThan(45);
    expect(qualityReport(turned(face.landmarks, 60), face.fivePoints, face.qualityParts).flags).toContain('profile');
  });

  it('flags a blurry, doubtful detection, and recovers the stored sharpness the flags were made from', () => {
    expect(storedSharpness(face.quality, face.detectorScore, face.fivePoints)).toBeCloseTo(face.qualityParts.sharpness, 6);
    const flags = qualityReport(face.landmarks, face.fivePoints, { detector: 0.3, sharpness: 0.1 }).flags;
    expect(flags).toEqual(['blurry', 'doubtful']);
  });
});

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedFacesDir, sharedFacesOrSkip } from '../../../test/fixtures/shared-faces.ts';
import { InferenceClient } from '../inference/inference-client.ts';
import { alignCrop } from './aligned-crop.ts';
import { analyseImage, type AnalysedFace } from './face-analysis.ts';
import { identityThreshold } from './identity-calibration.ts';
import { cosineSimilarity, embedAligned, embedAlignedBatch } from './identity-embedder.ts';
import { decodeRgb, type RgbImage } from './rgb-image.ts';
import { VisionRuntime } from './vision-runtime.ts';

describe.runIf(sharedFacesOrSkip())('embedAligned', () => {
  let client: InferenceClient;
  let runtime: VisionRuntime;
  let image: RgbImage;
  let face: AnalysedFace;

  beforeAll(async () => {
    client = new InferenceClient();
    runtime = new VisionRuntime(client);
    image = await decodeRgb(join(sharedFacesDir, 'johns/John_Salley/000179_02159509.jpg'));
    const analysis = await analyseImage(image, runtime, { embeddingModels: ['dlib', 'faceres', 'mobileface'] });
    face = analysis.faces[analysis.primary!];
  });

  afterAll(async () => {
    await client?.close();
  });

  it.each([
    ['faceres', 0.98],
    ['mobileface', 0.98],
    // dlib's analysis chip is fitted to its own mesh points (eye corners, subnasale); from a crop it is placed by the eyes
    // alone, and still lands within 0.99 (0.995 measured) — dlib's different-person cosines average 0.84, so 0.99 is tight.
    ['dlib', 0.99],
  ] as const)('gives the analysis embedding back from a stored-style crop of either template (%s)', async (model, arcfaceMin) => {
    // Black outside the photo, as analysis samples it; the chip is tight, so the crops reach past its edges.
    const generator = await alignCrop(image, face.generatorTransform, {
      template: 'generator',
      size: 256,
      format: 'float32',
      border: 'black',
    });
    const arcface = await alignCrop(image, face.arcfaceTransform, { template: 'arcface', size: 112, border: 'black' });
    const [fromGenerator, fromArcface] = await embedAlignedBatch(
      [
        { width: 256, height: 256, data: generator.data, template: 'generator' },
        { width: 112, height: 112, data: arcface.data },
      ],
      { model, runtime },
    );
    expect(fromGenerator).toHaveLength(face.embeddings[model]!.length);
    expect(cosineSimilarity(fromArcface, face.embeddings[model]!)).toBeGreaterThan(arcfaceMin);
    expect(cosineSimilarity(fromGenerator, face.embeddings[model]!)).toBeGreaterThan(0.9);
  });

  it.each(['dlib', 'faceres'] as const)('scores another person below the calibrated FAR 1e-2 threshold (%s)', async (model) => {
    const other = await decodeRgb(join(sharedFacesDir, 'orl/s3/1.png'));
    const analysis = await analyseImage(other, runtime, { embeddingModels: [model] });
    const crop = await alignCrop(other, analysis.faces[0].arcfaceTransform, { template: 'arcface', size: 112 });
    const embedding = await embedAligned({ width: 112, height: 112, data: crop.data }, { runtime, model });
    expect(cosineSimilarity(embedding, face.embeddings[model]!)).toBeLessThan(identityThreshold(model, 1e-2));
  });
});

import { DEFAULT_EMBEDDING_MODEL } from '../app/main/vision/embedding-models.ts';
import { dlibChipTransform } from '../app/main/vision/dlib-chip.ts';
import { meshToTemplate } from '../app/main/synthesis/relight/template-mesh.ts';
import { readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { sharedFacesDir } from '../test/fixtures/shared-faces.ts';
import { InferenceClient } from '../app/main/inference/inference-client.ts';
import { composeAffine, invertAffine } from '../app/main/vision/affine.ts';
import { alignCrop } from '../app/main/vision/aligned-crop.ts';
import { analyseImage } from '../app/main/vision/face-analysis.ts';
import { frameValidShare, generatorFraming, transformForSize } from '../app/main/vision/face-templates.ts';
import { cosineSimilarity, embedFrames } from '../app/main/vision/identity-embedder.ts';
import { decodeRgb } from '../app/main/vision/rgb-image.ts';
import { VisionRuntime } from '../app/main/vision/vision-runtime.ts';
import { planarFromInterleaved } from '../app/main/synthesis/packs/image-tensor.ts';
import { embedderFrame, scoringContextOf } from '../app/main/synthesis/sources/project-identity-scorer.ts';
import { isEntryPoint, writeBenchResult } from './bench-results.ts';

/** Photos per person: enough to cover each collection's framing without analysing all 975. */
const PER_IDENTITY = { orl: 3, yale: 3, johns: 11 } as const;
const SIZE = 256;

interface CollectionResult {
  readonly photos: number;
  /** Mean share of the crop that is real photo: whole-head FFHQ framing vs the per-image framing analysis stores. */
  readonly validShareFfhq: number;
  readonly validShareFramed: number;
  readonly meanZoom: number;
  /** Identity cosine of each photo scored by analysis vs through the crop path variants use (the default scorer). */
  readonly cosineBothWaysMin: number;
  readonly cosineBothWaysMedian: number;
}

export interface CropBenchResult {
  readonly machine: { cpus: number };
  readonly cropSize: number;
  readonly collections: Record<keyof typeof PER_IDENTITY, CollectionResult>;
}

/**
 * The one crop path on real photos: how much of each crop is photo before and after per-image
 * framing, and whether a photo scored through the crop (as variants are) lands on the scale of the
 * photo scored by analysis. Every photo goes through the real detector, mesh and embedder.
 */
export async function benchCrops(): Promise<CropBenchResult> {
  const client = new InferenceClient();
  const runtime = new VisionRuntime(client);
  try {
    const collections = {} as Record<keyof typeof PER_IDENTITY, CollectionResult>;
    for (const [collection, perIdentity] of Object.entries(PER_IDENTITY) as [keyof typeof PER_IDENTITY, number][]) {
      const root = join(sharedFacesDir, collection);
      const people = readdirSync(root, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort();
      const ffhq: number[] = [];
      const framed: number[] = [];
      const zooms: number[] = [];
      const cosines: number[] = [];
      for (const person of people) {
        const files = readdirSync(join(root, person))
          .filter((f) => /\.(png|jpe?g)$/i.test(f))
          .sort()
          .slice(0, perIdentity);
        for (const file of files) {
          const image = await decodeRgb(join(root, person, file));
          const analysis = await analyseImage(image, runtime, { embeddingModels: [DEFAULT_EMBEDDING_MODEL] });
          if (analysis.primary === null) continue;
          const face = analysis.faces[analysis.primary];
          const framing = generatorFraming(face.generatorTransform, image);
          ffhq.push(frameValidShare(face.generatorTransform, 512, image));
          framed.push(frameValidShare(framing, 512, image));
          zooms.push(framing[0] / face.generatorTransform[0]);
          const crop = await alignCrop(image, framing, { template: 'generator', size: SIZE });
          const toArcface = composeAffine(face.arcfaceTransform, invertAffine(transformForSize(framing, 'generator', SIZE)));
          const valid = Float32Array.from(crop.mask, (v) => v / 255);
          const toDlibChip = dlibChipTransform(meshToTemplate(face.landmarks, transformForSize(framing, 'generator', SIZE)));
          const context = scoringContextOf(image, face.arcfaceTransform);
          const frame = embedderFrame(
            planarFromInterleaved(crop.data, SIZE, 255),
            { toArcface, valid, context, toDlibChip },
            DEFAULT_EMBEDDING_MODEL,
          );
          const [embedding] = await embedFrames([frame], DEFAULT_EMBEDDING_MODEL, runtime);
          cosines.push(cosineSimilarity(embedding, face.embeddings[DEFAULT_EMBEDDING_MODEL]!));
        }
      }
      cosines.sort((a, b) => a - b);
      collections[collection] = {
        photos: cosines.length,
        validShareFfhq: round(mean(ffhq)),
        validShareFramed: round(mean(framed)),
        meanZoom: round(mean(zooms)),
        cosineBothWaysMin: round(cosines[0]),
        cosineBothWaysMedian: round(cosines[cosines.length >> 1]),
      };
    }
    return { machine: { cpus: cpus().length }, cropSize: SIZE, collections };
  } finally {
    await client.close();
  }
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

if (isEntryPoint(import.meta.url)) {
  const result = await benchCrops();
  writeBenchResult('crop', result);
  for (const [name, c] of Object.entries(result.collections)) {
    console.log(
      `${name}: ${c.photos} photos; crop is photo ${(c.validShareFfhq * 100).toFixed(1)} % (FFHQ framing) → ${(c.validShareFramed * 100).toFixed(1)} % (per-image framing, mean zoom ${c.meanZoom}); ` +
        `cosine photo vs crop path min ${c.cosineBothWaysMin}, median ${c.cosineBothWaysMedian}`,
    );
  }
}

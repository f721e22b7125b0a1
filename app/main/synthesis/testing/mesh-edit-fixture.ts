/**
 * TEST FIXTURE — never shipped. What the mesh-edit variant specs (pose, occlusion) set up alike: a
 * scratch folder, one inference client, real photos analysed on it, and a tiny StyleGAN-shaped pack
 * their recipes name for provenance only. Call at the top of a spec file; it removes what it made
 * after the file's last test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { InferenceClient } from '../../inference/inference-client.ts';
import { VisionRuntime } from '../../vision/vision-runtime.ts';
import type { GeneratorPack } from '../packs/generator-pack.ts';
import { loadGeneratorPack } from '../packs/pack-loader.ts';
import { AnalysedPhotoSource } from './analysed-photo-source.ts';
import type { FaceChip } from '../sources/face-chip-source.ts';
import { writeStyleganShapedPack } from './stylegan-shaped-pack.ts';

export interface MeshEditFixture {
  readonly root: string;
  readonly client: InferenceClient;
  /** Analyses the photos and loads the pack (for a beforeAll). */
  load(photos: readonly FaceChip[]): Promise<{ faces: AnalysedPhotoSource; pack: GeneratorPack }>;
}

export function meshEditFixture(prefix: string): MeshEditFixture {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const client = new InferenceClient({ threadsPerWorker: 2 });
  let pack: GeneratorPack | undefined;
  afterAll(async () => {
    await pack?.close();
    await client.close();
    rmSync(root, { recursive: true, force: true });
  });
  return {
    root,
    client,
    async load(photos) {
      const faces = await AnalysedPhotoSource.analyse(
        photos.map((chip) => ({ path: chip.path, identityId: chip.identityId })),
        new VisionRuntime(client),
      );
      await writeStyleganShapedPack(join(root, 'pack'));
      pack = await loadGeneratorPack(join(root, 'pack'), client);
      return { faces, pack };
    },
  };
}

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedFacesOrSkip } from '../../../../test/fixtures/shared-faces.ts';
import { makeGeneratorFixture, torchOracleOrSkip } from '../../../../test/oracles/torch-oracle.ts';
import { InferenceClient } from '../../inference/inference-client.ts';
import { Recipe } from '../edits/edit-recipe.ts';
import { FaceChipSource } from '../sources/face-chip-source.ts';
import { loadGeneratorPack } from '../packs/pack-loader.ts';
import { openSynthesisTestProject } from '../testing/synthesis-test-project.ts';
import { sharedFaceChips } from '../testing/shared-face-chips.ts';
import { registerPack } from '../variants/variant-store.ts';
import { importStylegan2 } from './stylegan2-import.ts';

const root = mkdtempSync(join(tmpdir(), 'likeness-stylegan-job-'));
const runtime = new InferenceClient({ threadsPerWorker: 1 });
afterAll(async () => {
  await runtime.close();
  rmSync(root, { recursive: true, force: true });
});

describe.runIf(torchOracleOrSkip() && sharedFacesOrSkip())('an imported StyleGAN2 pack in a synthesize job', () => {
  it('runs an InterFaceGAN direction and per-part style mixing from same-identity donors on real faces', async () => {
    const fixture = await makeGeneratorFixture(join(root, 'nvidia'), { format: 'nvidia', resolution: 64, channelMax: 32, seed: 7 });
    const packDir = join(root, 'pack');
    await importStylegan2(fixture.checkpoint, packDir, {
      directions: [{ name: 'smile', file: join(root, 'nvidia', 'boundary.npy'), edit: 'expression' }],
    });
    const pack = await loadGeneratorPack(packDir, runtime);
    expect(pack.manifest.directions).toMatchObject([{ name: 'smile', layers: [0, 8], edit: 'expression', scale: 1 }]);
    // InterFaceGAN saves [1, 512] float64 unit normals; the pack holds them as [512] float32, still unit.
    const raw = readFileSync(join(packDir, 'directions', 'smile.f32'));
    const smile = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    expect(smile.length).toBe(512);
    expect(Math.hypot(...smile)).toBeCloseTo(1, 5);
    expect(pack.manifest.parts.map((p) => [p.name, p.layers])).toEqual([
      ['coarse', [0, 4]],
      ['middle', [4, 8]],
      ['fine', [8, 10]],
    ]);

    const chips = sharedFaceChips(['johns'], 3);
    const faces = new FaceChipSource(chips);
    const project = openSynthesisTestProject(join(root, 'p.likeness'), chips, faces, runtime);
    try {
      const packId = registerPack(project.session.db, pack);
      await pack.close();
      const { id } = project.session.jobs.enqueue('synthesize', {
        sources: { kind: 'images', imageIds: [1, 4] },
        pack: { kind: 'installed', packId },
        edits: [
          { type: 'direction', name: 'smile', strength: [-3, 3] },
          { type: 'mix', parts: ['coarse'], donors: 'same-identity', strength: [0.5, 1] },
          { type: 'mix', parts: ['fine'], donors: 'same-identity', strength: [1, 1] },
        ],
        variantsPerSource: 3,
        seed: 11,
        refineIterations: 2,
      });
      await project.session.jobs.idle();
      expect(project.session.jobs.get(id)).toMatchObject({ state: 'done', done: 6 });
      // A random-init generator draws no face, so the realism gate may refuse what it renders: every
      // planned variant is either made or skipped for that reason, after rendering (never before).
      const variants = project.session.db
        .prepare(
          'SELECT edit_kind, width, pack_id, latent_delta_norm, recipe FROM variants WHERE job_id = ? ORDER BY source_image_id, ordinal',
        )
        .all(id) as { edit_kind: string; width: number; pack_id: number; latent_delta_norm: number; recipe: string }[];
      const skips = project.session.db.prepare('SELECT edit_kind, reason FROM variant_skips WHERE job_id = ?').all(id) as {
        edit_kind: string;
        reason: string;
      }[];
      expect(variants.length + skips.length).toBe(6);
      expect(skips.every((s) => s.reason === 'realism-clipped')).toBe(true);
      expect(new Set([...variants, ...skips].map((v) => v.edit_kind))).toEqual(new Set(['expression', 'attribute', 'relight']));
      expect(variants.every((v) => v.width === 64 && v.pack_id === packId && v.latent_delta_norm > 0)).toBe(true);
      // Same-identity donors: every mix recipe names a donor face of the source's own person.
      const identityOf = new Map(chips.map((c) => [c.faceId, c.identityId]));
      for (const v of variants) {
        const recipe = Recipe.parse(JSON.parse(v.recipe));
        for (const op of recipe.ops)
          if (op.type === 'mix') expect(identityOf.get(op.donorFaceId)).toBe(identityOf.get(recipe.sourceFaceId));
      }
    } finally {
      await project.session.close();
    }
  });
});

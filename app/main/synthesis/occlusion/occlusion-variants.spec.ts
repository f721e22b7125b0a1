import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Occluder, type SynthesizeRequest } from '#api/synthesis.ts';
import { sharedFacesDir, sharedFacesOrSkip } from '../../../../test/fixtures/shared-faces.ts';
import { planExport } from '../../export/export-plan.ts';
import { VisionRuntime } from '../../vision/vision-runtime.ts';
import { meshGroups } from '../geometry/face-mesh-groups.ts';
import { Recipe } from '../edits/edit-recipe.ts';
import { DonorPool, planRecipe } from '../edits/recipe-planner.ts';
import type { GeneratorPack } from '../packs/generator-pack.ts';
import { prepareRelight, RELIGHT_CROP_SIZE } from '../relight/relight-face.ts';
import { AnalysedPhotoSource } from '../testing/analysed-photo-source.ts';
import { sharedFaceChips } from '../testing/shared-face-chips.ts';
import { openSynthesisTestProject } from '../testing/synthesis-test-project.ts';
import { meshEditFixture } from '../testing/mesh-edit-fixture.ts';
import { VariantRenderer } from '../variants/variant-renderer.ts';
import { registerPack } from '../variants/variant-store.ts';
import { HeadFrame } from './head-frame.ts';
import { renderOcclusion } from './render-occlusion.ts';

const { root, client, load } = meshEditFixture('likeness-occlusion-');
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A turned head from the in-the-wild set (mesh yaw ≈ −29°); CI has ../shared/lfw beside the faces. */
const TURNED = resolve(sharedFacesDir, '../lfw/dev/Chanda_Rubin/Chanda_Rubin_0001.jpg');

const request = (seed: number): SynthesizeRequest => ({
  sources: { kind: 'all' },
  pack: { kind: 'default', refit: false },
  edits: [{ type: 'occlusion', strength: [1, 1] }],
  variantsPerSource: Occluder.options.length,
  seed,
  refineIterations: 0,
});

/** Where the lenses are, beside where the mesh puts the eye centres (mean of each eye's contour). */
function lensCentres(
  coverage: Float32Array,
  size: number,
  mesh: Float32Array,
): { lenses: [number, number][]; eyes: [number, number][]; iod: number } {
  const eye = (group: readonly number[]): [number, number] => {
    let x = 0;
    let y = 0;
    for (const p of group) {
      x += mesh[p * 3];
      y += mesh[p * 3 + 1];
    }
    return [x / group.length, y / group.length];
  };
  const eyes = [eye(meshGroups.rightEye), eye(meshGroups.leftEye)];
  const iod = Math.hypot(eyes[1][0] - eyes[0][0], eyes[1][1] - eyes[0][1]);
  const lenses = eyes.map(([ex, ey]) => {
    // The drawn box around each eye (out to the lens's own half-width): its centre is the lens's.
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (let y = 0; y < size; y += 1) {
      for (let x = 0; x < size; x += 1) {
        if (coverage[y * size + x] < 0.5 || Math.abs(x + 0.5 - ex) > 0.5 * iod || Math.abs(y + 0.5 - ey) > 0.45 * iod) continue;
        [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x + 1), Math.min(y0, y), Math.max(y1, y + 1)];
      }
    }
    return [(x0 + x1) / 2, (y0 + y1) / 2] as [number, number];
  });
  return { lenses, eyes, iod };
}

/**
 * How far a lens centre is from where a lens standing 0.15–0.5 eye distances in front of the eye
 * (along the head's forward axis) would project: a pitched or turned head moves lenses off the
 * pupils in the picture, as real glasses do, but never off that line.
 */
function standoffResidual(lens: [number, number], eye: [number, number], mesh: Float32Array, iod: number): number {
  const forward = new HeadFrame(mesh).toward;
  const t = [forward[0] * iod, forward[1] * iod];
  const delta = [lens[0] - eye[0], lens[1] - eye[1]];
  const along = (delta[0] * t[0] + delta[1] * t[1]) / Math.max(1e-9, t[0] * t[0] + t[1] * t[1]);
  const d = Math.min(0.5, Math.max(0.15, along));
  return Math.hypot(delta[0] - d * t[0], delta[1] - d * t[1]);
}

describe.skipIf(!sharedFacesOrSkip())('occlusion variants on real photos', () => {
  let faces: AnalysedPhotoSource;
  let pack: GeneratorPack;
  const photos = [...sharedFaceChips(['johns'], 1).slice(0, 2), ...sharedFaceChips(['orl'], 1).slice(0, 2)];

  beforeAll(async () => {
    ({ faces, pack } = await load(photos));
  });

  const plan = (seed: number) => {
    const donors = new DonorPool(faces.faces());
    return faces
      .faces()
      .slice(0, 2)
      .flatMap((source) => Occluder.options.map((_, ordinal) => planRecipe(pack, request(seed), donors, source, ordinal)));
  };

  it('deals every occluder to each source, as its own edit kind, and the same recipe and seed give byte-identical variants', async () => {
    const recipes = plan(7);
    for (const recipe of recipes) {
      const parsed = Recipe.parse(JSON.parse(JSON.stringify(recipe)));
      const op = parsed.ops[0];
      expect(op.type).toBe('occlusion');
      if (op.type === 'occlusion') expect(parsed.editKind).toBe(op.occluder);
    }
    expect(new Set(recipes.slice(0, Occluder.options.length).map((r) => r.editKind))).toEqual(new Set(Occluder.options));
    const first = await new VariantRenderer(pack, faces, null).render(recipes);
    const again = await new VariantRenderer(pack, faces, null).render(plan(7));
    expect(first.map((v) => sha(v.png))).toEqual(again.map((v) => sha(v.png)));
    const other = await new VariantRenderer(pack, faces, null).render(plan(8));
    expect(other.map((v) => sha(v.png))).not.toEqual(first.map((v) => sha(v.png)));
    for (const variant of first) {
      expect(variant.image.size).toBe(RELIGHT_CROP_SIZE);
      // Every accessory changes the picture, even thin clear-glass frames.
      expect(variant.diversity).toBeGreaterThan(0.003);
    }
  });

  it('centres sunglasses on the mesh’s eye centres, displaced only by the lenses’ standoff in front of the eyes (under 3 px off that line) on johns and ORL faces', async () => {
    for (const source of faces.faces()) {
      const size = RELIGHT_CROP_SIZE;
      const mesh = (await faces.templateMesh(source.faceId, size))!;
      const image = await faces.alignedCrop(source.faceId, size);
      const face = prepareRelight({ image, landmarks: mesh, validity: await faces.validityMask(source.faceId, size) });
      const { coverage } = await renderOcclusion(face, mesh, image, { occluder: 'sunglasses', style: 0.2, side: 'left', strength: 1 });
      const { lenses, eyes, iod } = lensCentres(coverage, size, mesh);
      for (let k = 0; k < 2; k += 1) {
        expect(standoffResidual(lenses[k], eyes[k], mesh, iod), `face ${source.faceId} lens ${k}`).toBeLessThan(3);
        expect(Math.hypot(lenses[k][0] - eyes[k][0], lenses[k][1] - eyes[k][1]), `face ${source.faceId} lens ${k}`).toBeLessThan(
          0.12 * iod,
        );
      }
    }
  });

  it.runIf(existsSync(TURNED) || process.env.CI === 'true')(
    'turns the glasses with a turned head: level with the eyes, shifted toward the turn as lenses in front of them are',
    async () => {
      const turned = await AnalysedPhotoSource.analyse([{ path: TURNED, identityId: 1 }], new VisionRuntime(client));
      const [source] = turned.faces();
      const size = RELIGHT_CROP_SIZE;
      const mesh = (await turned.templateMesh(source.faceId, size))!;
      const yaw = new HeadFrame(mesh).pose().yaw;
      expect(Math.abs(yaw)).toBeGreaterThan(20);
      const image = await turned.alignedCrop(source.faceId, size);
      const face = prepareRelight({ image, landmarks: mesh, validity: await turned.validityMask(source.faceId, size) });
      const { coverage } = await renderOcclusion(face, mesh, image, { occluder: 'sunglasses', style: 0.2, side: 'left', strength: 1 });
      const { lenses, eyes, iod } = lensCentres(coverage, size, mesh);
      for (let k = 0; k < 2; k += 1) {
        // The lenses wrap back toward the temples: turned, their outlines foreshorten unevenly.
        expect(standoffResidual(lenses[k], eyes[k], mesh, iod)).toBeLessThan(5);
        expect(Math.abs(lenses[k][1] - eyes[k][1])).toBeLessThan(0.1 * iod);
        const shift = lenses[k][0] - eyes[k][0];
        expect(Math.sign(shift)).toBe(Math.sign(yaw));
        expect(Math.abs(shift)).toBeLessThan(0.25 * iod);
      }
    },
  );

  it('names the occluder as the variant’s edit kind in the project and in the export’s provenance', async () => {
    const photoFaces = faces.faces().map((f) => ({ ...f, path: photos[f.imageId - 1].path }));
    const project = openSynthesisTestProject(join(root, 'p.likeness'), photoFaces, faces, client);
    try {
      const packId = registerPack(project.session.db, pack);
      const { id } = project.session.jobs.enqueue('synthesize', {
        ...request(3),
        sources: { kind: 'images', imageIds: [1] },
        pack: { kind: 'installed', packId },
      });
      await project.session.jobs.idle();
      expect(project.session.jobs.get(id)).toMatchObject({ state: 'done' });
      const rows = project.session.db.prepare('SELECT id, edit_kind, recipe FROM variants WHERE job_id = ? ORDER BY ordinal').all(id) as {
        id: number;
        edit_kind: string;
        recipe: string;
      }[];
      expect(new Set(rows.map((r) => r.edit_kind))).toEqual(new Set(Occluder.options));
      const now = new Date().toISOString();
      for (const row of rows) {
        expect((JSON.parse(row.recipe) as Recipe).ops[0]).toMatchObject({ type: 'occlusion', occluder: row.edit_kind });
        project.session.db
          .prepare("INSERT INTO decisions (variant_id, status, decided_by, decided_at) VALUES (?, 'accepted', 'test', ?)")
          .run(row.id, now);
      }
      const exported = planExport(project.session.db, project.session.media, {
        destination: join(root, 'export'),
        formats: ['csv'],
        split: { by: 'identity', seed: 0, train: 0.8, val: 0.1, test: 0.1 },
        originals: 'file',
        overwrite: false,
      });
      const provenance = exported.files.filter((f) => f.provenance.kind === 'variant').map((f) => f.provenance);
      expect(new Set(provenance.map((p) => p.edit_kind))).toEqual(new Set(Occluder.options));
      for (const p of provenance) expect(JSON.parse(p.recipe!).ops[0].occluder).toBe(p.edit_kind);
    } finally {
      await project.session.close();
    }
  });
});

import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SynthesizeRequest } from '#api/synthesis.ts';
import { sharedFacesDir, sharedFacesOrSkip } from '../../../../test/fixtures/shared-faces.ts';
import { InferenceClient } from '../../inference/inference-client.ts';
import { decodeRgb, type RgbImage } from '../../vision/rgb-image.ts';
import { VisionRuntime } from '../../vision/vision-runtime.ts';
import { Recipe } from '../edits/edit-recipe.ts';
import type { PlanarImage } from '../packs/image-tensor.ts';
import { DonorPool, planRecipe } from '../edits/recipe-planner.ts';
import { AnalysedPhotoSource } from '../testing/analysed-photo-source.ts';
import { openSynthesisTestProject } from '../testing/synthesis-test-project.ts';
import { defaultPacksDir } from '../packs/project-packs-folder.ts';
import { sharedFaceChips } from '../testing/shared-face-chips.ts';
import { VariantRenderer } from '../variants/variant-renderer.ts';
import { RELIGHT_PRESETS } from './light-spec.ts';
import { RELIGHT_CROP_SIZE } from './relight-face.ts';

const root = mkdtempSync(join(tmpdir(), 'likeness-relight-'));
const client = new InferenceClient({ threadsPerWorker: 2 });

/** Mean luminance of the image's left half minus its right half, over the central face area. */
function leftMinusRight(image: PlanarImage): number {
  const { size, data } = image;
  const plane = size * size;
  let balance = 0;
  let n = 0;
  for (let y = Math.floor(size * 0.35); y < Math.floor(size * 0.75); y += 1) {
    for (let x = Math.floor(size * 0.25); x < Math.floor(size * 0.75); x += 1) {
      const i = y * size + x;
      const l = 0.299 * data[i] + 0.587 * data[plane + i] + 0.114 * data[2 * plane + i];
      balance += x < size / 2 ? l : -l;
      n += 1;
    }
  }
  return balance / n;
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** `leftMinusRight` of a decoded photo (any size), over the same central area. */
function photoLeftMinusRight(image: RgbImage): number {
  const { width, height, data } = image;
  let balance = 0;
  let n = 0;
  for (let y = Math.floor(height * 0.35); y < Math.floor(height * 0.75); y += 1) {
    for (let x = Math.floor(width * 0.25); x < Math.floor(width * 0.75); x += 1) {
      const i = (y * width + x) * 3;
      const l = (0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2]) / 255;
      balance += x < width / 2 ? l : -l;
      n += 1;
    }
  }
  return balance / n;
}

describe.skipIf(!sharedFacesOrSkip())('relight variants on real photos', () => {
  let faces: AnalysedPhotoSource;
  let photos: { path: string; identityId: number | null }[];
  const request = (seed: number): SynthesizeRequest => ({
    sources: { kind: 'all' },
    pack: { kind: 'default', refit: false },
    edits: [{ type: 'relight', strength: [1, 1] }],
    variantsPerSource: 4,
    seed,
    refineIterations: 0,
  });

  beforeAll(async () => {
    photos = sharedFaceChips(['johns'], 1)
      .map((chip) => ({ path: chip.path, identityId: chip.identityId }))
      .slice(0, 2);
    faces = await AnalysedPhotoSource.analyse(photos, new VisionRuntime(client));
  });
  afterAll(async () => {
    await client.close();
    rmSync(root, { recursive: true, force: true });
  });

  const plan = (seed: number) => {
    const donors = new DonorPool(faces.faces());
    return faces.faces().flatMap((source) => [0, 1, 2, 3].map((ordinal) => planRecipe(null, request(seed), donors, source, ordinal)));
  };

  it('records the light in each recipe, a different preset per variant of a source, and no generator', () => {
    const recipes = plan(7);
    for (const recipe of recipes) {
      const parsed = Recipe.parse(JSON.parse(JSON.stringify(recipe)));
      expect(parsed.editKind).toBe('relight');
      expect(parsed.pack).toBeNull();
      const op = parsed.ops[0];
      expect(op.type).toBe('relight');
      if (op.type === 'relight') expect(RELIGHT_PRESETS).toContainEqual(op.light);
    }
    const lightsOfFirst = recipes.slice(0, 4).map((r) => JSON.stringify(r.ops[0]));
    expect(new Set(lightsOfFirst).size).toBe(4);
  });

  it('same recipe and seed give byte-identical variants, at the relight crop size', async () => {
    const recipes = plan(7);
    const first = await new VariantRenderer(null, faces, null).render(recipes);
    const again = await new VariantRenderer(null, faces, null).render(plan(7));
    expect(first.map((v) => sha(v.png))).toEqual(again.map((v) => sha(v.png)));
    for (const variant of first) {
      expect(variant.image.size).toBe(RELIGHT_CROP_SIZE);
      expect(variant.latentDeltaNorm).toBeNull();
      expect(variant.diversity).toBeGreaterThan(0.01);
    }
  });

  it('a lamp on the subject’s right brightens the image’s left, and the other way round', async () => {
    const [source] = faces.faces();
    const recipe = (azimuth: number): Recipe => ({
      ...plan(1)[0],
      sourceFaceId: source.faceId,
      ops: [{ type: 'relight', light: { azimuth, elevation: 0, ambient: 0.25, temperature: 6500 }, strength: 1 }],
    });
    const [fromRight, fromLeft] = await new VariantRenderer(null, faces, null).render([recipe(60), recipe(-60)]);
    const before = leftMinusRight(fromRight.source);
    expect(leftMinusRight(fromRight.image)).toBeGreaterThan(before + 0.05);
    expect(leftMinusRight(fromLeft.image)).toBeLessThan(before - 0.05);
  });

  it('reads azimuths as Yale B names its lamps: relit to A±050E+00, a face brightens the side the real photo does', async () => {
    const yale = join(sharedFacesDir, 'yale', 'yaleB01');
    const frontal = await AnalysedPhotoSource.analyse(
      [{ path: join(yale, 'yaleB01_P00A+000E+00.png'), identityId: 1 }],
      new VisionRuntime(client),
    );
    const [source] = frontal.faces();
    const recipe = (azimuth: number): Recipe => ({
      ...plan(1)[0],
      sourceFaceId: source.faceId,
      ops: [{ type: 'relight', light: { azimuth, elevation: 0, ambient: 0.25, temperature: 6500 }, strength: 1 }],
    });
    const relit = await new VariantRenderer(null, frontal, null).render([recipe(50), recipe(-50)]);
    for (const [i, name] of ['A+050E+00', 'A-050E+00'].entries()) {
      const real = photoLeftMinusRight(await decodeRgb(join(yale, `yaleB01_P00${name}.png`)));
      const change = leftMinusRight(relit[i].image) - leftMinusRight(relit[i].source);
      expect(Math.sign(change), `${name}: real photo left − right ${real.toFixed(3)}, relit change ${change.toFixed(3)}`).toBe(
        Math.sign(real),
      );
      expect(Math.abs(change)).toBeGreaterThan(0.03);
    }
  });

  it('a job of relight edits alone fits no generator: its variants name no pack', async () => {
    const path = join(root, 'relight-only.likeness');
    const linked = faces.faces().map((face) => ({ ...face, path: photos[face.imageId - 1].path }));
    const project = openSynthesisTestProject(path, linked, faces, client);
    try {
      const { id } = project.session.jobs.enqueue('synthesize', request(3));
      await project.session.jobs.idle();
      expect(project.session.jobs.get(id)).toMatchObject({ state: 'done', done: 8, total: 8 });
      const db = project.session.db;
      expect(db.prepare('SELECT count(*) FROM packs').pluck().get()).toBe(0);
      const made = db.prepare('SELECT count(*) FROM variants WHERE job_id = ?').pluck().get(id) as number;
      const skipped = db.prepare('SELECT count(*) FROM variant_skips WHERE job_id = ?').pluck().get(id) as number;
      expect(made + skipped).toBe(8);
      expect(made).toBeGreaterThan(4);
      expect(db.prepare('SELECT count(*) FROM variants WHERE job_id = ? AND pack_id IS NULL').pluck().get(id)).toBe(made);
      expect(existsSync(defaultPacksDir(path))).toBe(false);
    } finally {
      await project.session.close();
    }
  });
});

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SynthesizeRequest } from '#api/synthesis.ts';
import { sharedFacesDir, sharedFacesOrSkip } from '../../../../test/fixtures/shared-faces.ts';
import { planExport } from '../../export/export-plan.ts';
import { analyseImage } from '../../vision/face-analysis.ts';
import { VisionRuntime } from '../../vision/vision-runtime.ts';
import { Recipe } from '../edits/edit-recipe.ts';
import { EditGate, MAX_MIRRORED_FILL, turnRefusal } from '../edits/edit-gate.ts';
import { DonorPool, planRecipe } from '../edits/recipe-planner.ts';
import { rgbFromPlanar } from '../packs/image-tensor.ts';
import type { GeneratorPack } from '../packs/generator-pack.ts';
import type { FaceSource, SourceFace } from '../sources/face-source.ts';
import { AnalysedPhotoSource } from '../testing/analysed-photo-source.ts';
import { sharedFaceChips } from '../testing/shared-face-chips.ts';
import { openSynthesisTestProject } from '../testing/synthesis-test-project.ts';
import { meshEditFixture } from '../testing/mesh-edit-fixture.ts';
import { VariantRenderer } from '../variants/variant-renderer.ts';
import { registerPack, variantLandmarks } from '../variants/variant-store.ts';
import { jobSummary } from '../synthesis-api.ts';
import { GridSampler } from './grid-sampler.ts';
import { meshPose, POSE_PRESETS, rotateMesh } from './head-rotation.ts';
import { mirroredFillShare, POSE_CROP_SIZE, renderPose } from './mesh-render.ts';

const { root, client, load } = meshEditFixture('likeness-pose-');
/**
 * A face turned about 21° one way in the in-the-wild set (mesh yaw ≈ −21°): the +30° preset turns it
 * toward the side the photo hides (about 11 % of the face filled from its mirrored half), the −30°
 * one further the way it faces. CI has ../shared/lfw beside the faces.
 */
const TURNED_AWAY = resolve(sharedFacesDir, '../lfw/dev/Brad_Johnson/Brad_Johnson_0001.jpg');
const [TOWARD_HIDDEN, AWAY] = [POSE_PRESETS.find((p) => p.yaw === 30)!, POSE_PRESETS.find((p) => p.yaw === -30)!];
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The photos' faces, except that one face's mesh says it is turned 60° (a profile photo). */
function withProfileFace(faces: AnalysedPhotoSource, profileFaceId: number): FaceSource {
  return new Proxy(faces, {
    get(target, property) {
      if (property === 'templateMesh')
        return async (faceId: number, size: number) => {
          const mesh = await target.templateMesh(faceId, size);
          return faceId === profileFaceId ? rotateMesh(mesh, { yaw: 60, pitch: 0, roll: 0 }) : mesh;
        };
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe.skipIf(!sharedFacesOrSkip())('pose variants on real photos', () => {
  let faces: AnalysedPhotoSource;
  let pack: GeneratorPack;
  const sampler = new GridSampler(client);
  const request = (seed: number): SynthesizeRequest => ({
    sources: { kind: 'all' },
    pack: { kind: 'default', refit: false },
    edits: [{ type: 'pose', strength: [1, 1] }],
    variantsPerSource: 4,
    seed,
    refineIterations: 0,
  });
  const plan = (seed: number) => {
    const donors = new DonorPool(faces.faces());
    return faces.faces().flatMap((source) => [0, 1, 2, 3].map((ordinal) => planRecipe(pack, request(seed), donors, source, ordinal)));
  };

  beforeAll(async () => {
    ({ faces, pack } = await load(sharedFaceChips(['johns'], 1).slice(0, 3)));
  });

  it('records the turn in each recipe, a different preset per variant of a source', () => {
    const recipes = plan(5);
    for (const recipe of recipes) {
      const parsed = Recipe.parse(JSON.parse(JSON.stringify(recipe)));
      expect(parsed.editKind).toBe('pose');
      const op = parsed.ops[0];
      expect(op.type === 'pose' && POSE_PRESETS.some((p) => p.yaw === op.pose.yaw && p.pitch === op.pose.pitch)).toBe(true);
    }
    expect(new Set(recipes.slice(0, 4).map((r) => JSON.stringify(r.ops[0]))).size).toBe(4);
  });

  it('same recipe and seed give byte-identical variants with their landmarks; another turn gives another image', async () => {
    const recipes = plan(5);
    const first = await new VariantRenderer(pack, faces, null, { sampler }).render(recipes);
    const again = await new VariantRenderer(pack, faces, null, { sampler: new GridSampler(client) }).render(plan(5));
    expect(first.map((v) => sha(v.png))).toEqual(again.map((v) => sha(v.png)));
    expect(first.map((v) => sha(new Uint8Array(v.landmarks!.buffer)))).toEqual(again.map((v) => sha(new Uint8Array(v.landmarks!.buffer))));
    expect(new Set(first.slice(0, 4).map((v) => sha(v.png))).size).toBe(4);
    for (const variant of first) {
      expect(variant.image.size).toBe(POSE_CROP_SIZE);
      expect(variant.landmarks).toHaveLength(468 * 4);
      expect(variant.diversity).toBeGreaterThan(0.01);
    }
  });

  it('turns the head the way the recipe says: the mesh measures the turn, and FaceMesh finds the face again turned the same way', async () => {
    const [source] = faces.faces();
    const image = await faces.alignedCrop(source.faceId, POSE_CROP_SIZE);
    const mesh = (await faces.templateMesh(source.faceId, POSE_CROP_SIZE))!;
    const validity = await faces.validityMask(source.faceId, POSE_CROP_SIZE);
    const before = meshPose(mesh);
    const vision = new VisionRuntime(client);
    for (const yaw of [-30, 30]) {
      const turned = await renderPose({ image, mesh, validity }, { yaw, pitch: 0, roll: 0 }, sampler);
      expect(Math.abs(meshPose(turned.mesh).yaw - before.yaw - yaw)).toBeLessThan(2);
      const again = await analyseImage({ width: POSE_CROP_SIZE, height: POSE_CROP_SIZE, data: rgbFromPlanar(turned.image) }, vision, {
        embeddingModels: [],
        maxFaces: 1,
      });
      expect(again.primary).not.toBeNull();
      const found = meshPose(again.faces[again.primary!].landmarks).yaw - before.yaw;
      // Re-detected, FaceMesh sees at least a third of the turn, in the same direction (eval:pose measures how much).
      expect(found * Math.sign(yaw)).toBeGreaterThan(Math.abs(yaw) / 3);
    }
  });

  it('keeps every landmark inside the crop or marks it invalid, also when the turn pushes part of the face out', async () => {
    const [source] = faces.faces();
    const size = POSE_CROP_SIZE;
    const image = await faces.alignedCrop(source.faceId, size);
    const mesh = (await faces.templateMesh(source.faceId, size))!;
    // The face moved to the crop's right edge: turning it pushes its far cheek out of the crop.
    const shifted = Float32Array.from(mesh, (v, i) => (i % 3 === 0 ? v + 0.3 * size : v));
    for (const [face, yaw] of [
      [mesh, 30],
      [mesh, -30],
      [shifted, -40],
    ] as const) {
      const turned = await renderPose({ image, mesh: face, validity: null }, { yaw, pitch: 0, roll: 0 }, sampler);
      let invalid = 0;
      for (let p = 0; p < 468; p += 1) {
        const [x, y] = [turned.mesh[p * 3], turned.mesh[p * 3 + 1]];
        if (turned.landmarkValid[p]) {
          expect(x >= 0 && y >= 0 && x < size && y < size).toBe(true);
          expect(turned.validity[Math.floor(y) * size + Math.floor(x)]).toBe(1);
        } else invalid += 1;
      }
      if (face === shifted) expect(invalid).toBeGreaterThan(20);
      else expect(invalid).toBeLessThan(468 / 2);
    }
  });

  it.runIf(existsSync(TURNED_AWAY) || process.env.CI === 'true')(
    'refuses a turn that would show the side the photo hides, turns that source the other way and a frontal one both ways; a job leaves such turns out of its plan and makes its full count of distinct turns, and refuses that turn asked for alone with the reason in its summary',
    async () => {
      const wild = await AnalysedPhotoSource.analyse([{ path: TURNED_AWAY, identityId: 9 }], new VisionRuntime(client));
      const [turned] = wild.faces();
      const mesh = (await wild.templateMesh(turned.faceId, POSE_CROP_SIZE))!;
      expect(meshPose(mesh).yaw).toBeLessThan(-15);
      const turnTo = (from: FaceSource, source: typeof turned, pose: (typeof POSE_PRESETS)[number]) =>
        planRecipe(
          pack,
          { ...request(5), edits: [{ type: 'pose', poses: [pose], strength: [1, 1] }] },
          new DonorPool(from.faces()),
          source,
          0,
        );

      const gate = new EditGate(wild, POSE_CROP_SIZE);
      const refused = await gate.check(turnTo(wild, turned, TOWARD_HIDDEN));
      expect(refused).toMatchObject({ reason: 'hidden-side' });
      expect(refused!.detail).toMatch(
        /the turn \(yaw 30°, pitch -5°\) would show the side the photo hides: \d+\.\d % of the face would be filled from its mirrored side/,
      );
      // What the pose preview shows for the same face and turn.
      expect(turnRefusal(mesh, [TOWARD_HIDDEN], POSE_CROP_SIZE)).toEqual(refused);
      expect(mirroredFillShare(mesh, TOWARD_HIDDEN, POSE_CROP_SIZE)).toBeGreaterThan(2 * MAX_MIRRORED_FILL);
      expect(await gate.check(turnTo(wild, turned, AWAY))).toBeNull();
      // What a job asks of the gate when it plans the source's turns.
      expect(await gate.turnRefusals(turned.faceId, [[TOWARD_HIDDEN], [AWAY]])).toEqual([refused, null]);

      const [frontal] = faces.faces();
      expect(Math.abs(meshPose((await faces.templateMesh(frontal.faceId, POSE_CROP_SIZE))!).yaw)).toBeLessThan(10);
      const frontalGate = new EditGate(faces, POSE_CROP_SIZE);
      for (const pose of [TOWARD_HIDDEN, AWAY]) expect(await frontalGate.check(turnTo(faces, frontal, pose))).toBeNull();

      const photos = [{ ...turned, path: TURNED_AWAY }];
      const project = openSynthesisTestProject(join(root, 'hidden.likeness'), photos, wild, client);
      try {
        // The presets it cannot take are left out of its plan: it gets its four variants, four distinct
        // turns the gate takes, and the summary says once what was left out.
        const refusedPresets = POSE_PRESETS.filter((pose) => turnRefusal(mesh, [pose], POSE_CROP_SIZE));
        expect(refusedPresets).toContainEqual(TOWARD_HIDDEN);
        expect(POSE_PRESETS.length - refusedPresets.length).toBeGreaterThanOrEqual(4);
        const { id: jobId } = project.session.jobs.enqueue('synthesize', request(5));
        await project.session.jobs.idle();
        expect(project.session.jobs.get(jobId)).toMatchObject({
          state: 'done',
          done: 4,
          message: expect.stringMatching(/left out: pose turns onto the hidden side \(hidden-side\) for 1 faces/),
        });
        expect(jobSummary(project.session.db, jobId)).toMatchObject({ made: 4, skipped: [] });
        const rows = project.session.db.prepare('SELECT recipe FROM variants WHERE job_id = ?').all(jobId) as { recipe: string }[];
        const turns = rows.map(({ recipe }) => Recipe.parse(JSON.parse(recipe)).ops[0]).map((op) => (op.type === 'pose' ? op.pose : null));
        expect(new Set(turns.map((turn) => JSON.stringify(turn))).size).toBe(4);
        for (const turn of turns) expect(refusedPresets).not.toContainEqual(turn);
        // Resumed after a crash that lost its last two variants, it plans them the same and renders them identically.
        const made = () =>
          (
            project.session.db
              .prepare('SELECT ordinal, recipe, file_key AS fileKey FROM variants WHERE job_id = ? ORDER BY ordinal')
              .all(jobId) as {
              ordinal: number;
              recipe: string;
              fileKey: string;
            }[]
          ).map((row) => ({ ...row, png: sha(readFileSync(project.session.media.pathOf(row.fileKey))) }));
        const before = made();
        project.session.db.prepare('DELETE FROM variants WHERE job_id = ? AND ordinal >= 2').run(jobId);
        project.session.db.prepare("UPDATE jobs SET state = 'failed' WHERE id = ?").run(jobId);
        project.session.jobs.resume(jobId);
        await project.session.jobs.idle();
        expect(project.session.jobs.get(jobId)).toMatchObject({ state: 'done', done: 4 });
        expect(made()).toEqual(before);

        // A job that asks for that one turn only still has it planned, and refused with its reason.
        const { id: onlyHidden } = project.session.jobs.enqueue('synthesize', {
          ...request(5),
          edits: [{ type: 'pose', poses: [TOWARD_HIDDEN], strength: [1, 1] }],
          variantsPerSource: 1,
        });
        await project.session.jobs.idle();
        expect(project.session.jobs.get(onlyHidden)).toMatchObject({
          state: 'done',
          done: 1,
          message: expect.stringMatching(/1 hidden-side \(pose\)/),
        });
        const summary = jobSummary(project.session.db, onlyHidden);
        expect(summary.made).toBe(0);
        expect(summary.skipped).toEqual([{ reason: 'hidden-side', label: expect.stringMatching(/the photo hides/), count: 1 }]);
      } finally {
        await project.session.close();
      }
    },
  );

  it("plans a source that can take every turn as it always did: the job's recipes are the planner's, its variants byte-identical to them rendered alone", async () => {
    const takesAll: SourceFace[] = [];
    for (const source of faces.faces()) {
      const mesh = (await faces.templateMesh(source.faceId, POSE_CROP_SIZE))!;
      if (POSE_PRESETS.every((pose) => turnRefusal(mesh, [pose], POSE_CROP_SIZE) === null)) takesAll.push(source);
    }
    expect(takesAll.length).toBeGreaterThan(0);
    const photos = faces.faces().map((f, i) => ({ ...f, path: sharedFaceChips(['johns'], 1)[i].path }));
    const project = openSynthesisTestProject(join(root, 'frontal.likeness'), photos, faces, client);
    try {
      const { id: jobId } = project.session.jobs.enqueue('synthesize', request(5));
      await project.session.jobs.idle();
      expect(project.session.jobs.get(jobId)).toMatchObject({ state: 'done', done: 12 });
      const donors = new DonorPool(faces.faces());
      const planned = takesAll.flatMap((source) => [0, 1, 2, 3].map((ordinal) => planRecipe(pack, request(5), donors, source, ordinal)));
      const alone = await new VariantRenderer(pack, faces, null, { sampler: new GridSampler(client) }).render(planned);
      for (const [i, recipe] of planned.entries()) {
        const row = project.session.db
          .prepare('SELECT recipe, file_key AS fileKey FROM variants WHERE job_id = ? AND source_image_id = ? AND ordinal = ?')
          .get(jobId, takesAll[Math.floor(i / 4)].imageId, i % 4) as { recipe: string; fileKey: string };
        expect(JSON.parse(row.recipe)).toEqual(JSON.parse(JSON.stringify(recipe)));
        expect(sha(readFileSync(project.session.media.pathOf(row.fileKey)))).toBe(sha(alone[i].png));
      }
    } finally {
      await project.session.close();
    }
  });

  it('refuses to turn a profile-facing source, with the reason in the job summary; records the turn and the landmarks of the rest, into the export', async () => {
    const [profile] = faces.faces();
    const source = withProfileFace(faces, profile.faceId);
    const gate = new EditGate(source, POSE_CROP_SIZE);
    const refused = await gate.check(plan(5)[0]);
    expect(refused).toMatchObject({ reason: 'profile-source' });
    expect(refused!.detail).toMatch(/already turned 6\d° right .*beyond 45°/);

    const photos = faces.faces().map((f, i) => ({ ...f, path: sharedFaceChips(['johns'], 1)[i].path }));
    const project = openSynthesisTestProject(join(root, 'p.likeness'), photos, source, client);
    try {
      const packId = registerPack(project.session.db, pack);
      const { id: jobId } = project.session.jobs.enqueue('synthesize', { ...request(5), pack: { kind: 'installed', packId } });
      await project.session.jobs.idle();
      expect(project.session.jobs.get(jobId)).toMatchObject({ state: 'done', done: 12 });
      const summary = jobSummary(project.session.db, jobId);
      expect(summary.made).toBe(8);
      expect(summary.skipped).toEqual([{ reason: 'profile-source', label: expect.stringMatching(/sideways/), count: 4 }]);
      const rows = project.session.db.prepare('SELECT id, recipe FROM variants WHERE job_id = ?').all(jobId) as {
        id: number;
        recipe: string;
      }[];
      for (const row of rows) {
        expect(Recipe.parse(JSON.parse(row.recipe)).ops[0]).toMatchObject({ type: 'pose', pose: { yaw: expect.any(Number) } });
        expect(variantLandmarks(project.session.db, row.id)).toHaveLength(468 * 4);
      }
      project.session.db
        .prepare(
          "INSERT INTO decisions (variant_id, status, decided_by, decided_at) SELECT id, 'accepted', 'test', '2026-01-01' FROM variants",
        )
        .run();
      const exported = planExport(project.session.db, project.session.media, {
        destination: join(root, 'out'),
        formats: ['csv'],
        split: { by: 'identity', seed: 0, train: 1, val: 0, test: 0 },
        originals: 'none',
        overwrite: false,
      });
      const variants = exported.files.filter((f) => f.provenance.kind === 'variant');
      expect(variants).toHaveLength(8);
      for (const file of variants) {
        expect(file.provenance.edit_kind).toBe('pose');
        expect(JSON.parse(file.provenance.recipe!).ops[0].pose).toEqual({
          yaw: expect.any(Number),
          pitch: expect.any(Number),
          roll: expect.any(Number),
        });
      }
    } finally {
      await project.session.close();
    }
  });
});

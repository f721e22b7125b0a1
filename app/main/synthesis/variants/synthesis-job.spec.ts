import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SynthesizeRequest } from '#api/synthesis.ts';
import { sharedFacesOrSkip } from '../../../../test/fixtures/shared-faces.ts';
import { InferenceClient } from '../../inference/inference-client.ts';
import { Recipe } from '../edits/edit-recipe.ts';
import { loadGeneratorPack } from '../packs/pack-loader.ts';
import { defaultPacksDir } from '../packs/project-packs-folder.ts';
import { latestDefaultPack } from './pack-resolver.ts';
import { FaceChipSource } from '../sources/face-chip-source.ts';
import { openSynthesisTestProject, type SynthesisTestProject } from '../testing/synthesis-test-project.ts';
import { sharedFaceChips } from '../testing/shared-face-chips.ts';
import { writeStyleganShapedPack } from '../testing/stylegan-shaped-pack.ts';
import { VariantRenderer } from './variant-renderer.ts';
import { jobSummary, listPacks } from '../synthesis-api.ts';
import { registerPack } from './variant-store.ts';

const root = mkdtempSync(join(tmpdir(), 'likeness-synthesis-'));
const runtime = new InferenceClient({ threadsPerWorker: 2 });
let project: SynthesisTestProject & { faces: FaceChipSource };

interface VariantRecord {
  id: number;
  source_image_id: number;
  ordinal: number;
  edit_kind: string;
  strength: number;
  recipe: string;
  file_key: string;
  pack_id: number;
  latent_delta_norm: number;
  diversity: number;
  width: number;
}

const edits: SynthesizeRequest['edits'] = [
  { type: 'direction', name: 'light_left_right', strength: [-2, 2] },
  { type: 'mix', parts: ['hair'], donors: 'other-identities', strength: [0.6, 1] },
  { type: 'mix', parts: ['eyes', 'mouth'], donors: 'same-identity', strength: [0.8, 1] },
  { type: 'mix', parts: ['illumination'], donors: 'random', strength: [1, 1] },
];

function skippedOf(jobId: number): number {
  return (project.session.db.prepare('SELECT count(*) AS n FROM variant_skips WHERE job_id = ?').get(jobId) as { n: number }).n;
}

function variantsOf(jobId: number): VariantRecord[] {
  return project.session.db
    .prepare('SELECT * FROM variants WHERE job_id = ? ORDER BY source_image_id, ordinal')
    .all(jobId) as VariantRecord[];
}

function sha(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function runJob(request: SynthesizeRequest): Promise<number> {
  const { id } = project.session.jobs.enqueue('synthesize', request);
  await project.session.jobs.idle();
  return id;
}

describe.skipIf(!sharedFacesOrSkip())('synthesize job', () => {
  beforeAll(() => {
    const chips = sharedFaceChips(['johns']);
    const faces = new FaceChipSource(chips);
    project = { ...openSynthesisTestProject(join(root, 'p.likeness'), chips, faces, runtime), faces };
  });
  afterAll(async () => {
    await project?.session.close();
    await runtime.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('fits the default generator, writes every variant with its recipe, and reproduces one byte for byte', async () => {
    const [before] = listPacks(project.session.db);
    expect(before).toMatchObject({ id: null, kind: 'default', hash: null });
    expect(before.directions.map((d) => d.name)).toEqual(['light_left_right', 'light_top_bottom', 'brightness']);
    const request: SynthesizeRequest = {
      sources: { kind: 'identities', identityIds: [1, 2] },
      pack: { kind: 'default', refit: false },
      edits,
      variantsPerSource: 4,
      seed: 42,
      refineIterations: 0,
    };
    const jobId = await runJob(request);
    const status = project.session.jobs.get(jobId);
    expect(status).toMatchObject({ state: 'done', done: 88, total: 88 });
    const [after] = listPacks(project.session.db);
    expect(after).toMatchObject({ kind: 'default', outputSize: 128 });
    expect(after.id).toEqual(expect.any(Number));
    expect(after.parts.map((p) => p.name)).toEqual(['illumination', 'skin', 'eyes', 'brows', 'nose', 'mouth', 'hair', 'background']);
    const variants = variantsOf(jobId);
    // Face chips carry no person matte, so no source can take a hair swap: it is left out of every
    // source's plan (its variants dealt among the other edits) and said once per face in the job's
    // summary line, not planned and refused a quarter of the job long. Nothing goes missing silently.
    const summary = jobSummary(project.session.db, jobId);
    expect(summary.made).toBe(variants.length);
    expect(summary.made + summary.skipped.reduce((n, s) => n + s.count, 0)).toBe(88);
    expect(summary.skipped.find((s) => s.reason === 'no-matte')).toBeUndefined();
    expect(status.message).toContain('left out: hair swaps (no-matte) for 22 faces');
    expect(new Set(variants.map((v) => v.edit_kind))).toEqual(new Set(['relight', 'expression']));
    for (const v of variants) {
      expect(project.session.media.has(v.file_key)).toBe(true);
      // The pack renders 128 px; residual composition puts its edit on the 256 px crop.
      expect(v.width).toBe(256);
      expect(Number.isFinite(v.latent_delta_norm)).toBe(true);
    }
    // Relighting and donor mixes really change the picture.
    // Every edit changes the picture; relighting and hair, which cover large areas, clearly.
    expect(Math.min(...variants.map((v) => v.diversity))).toBeGreaterThan(0.001);
    const median = (kind: string): number => {
      const sorted = variants
        .filter((v) => v.edit_kind === kind)
        .map((v) => v.diversity)
        .sort((a, b) => a - b);
      return sorted[Math.floor(sorted.length / 2)];
    };
    expect(median('relight')).toBeGreaterThan(0.02);

    const sample = variants[5];
    const recipe = Recipe.parse(JSON.parse(sample.recipe));
    const packPath = (project.session.db.prepare('SELECT path FROM packs WHERE id = ?').get(sample.pack_id) as { path: string }).path;
    const pack = await loadGeneratorPack(packPath, runtime);
    try {
      const other = Recipe.parse(JSON.parse(variants[40].recipe));
      // Rendered alone and batched with another recipe: the same bytes the job stored.
      const [alone] = await new VariantRenderer(pack, project.faces, null).render([recipe]);
      const [, batched] = await new VariantRenderer(pack, project.faces, null).render([other, recipe]);
      const stored = readFileSync(project.session.media.pathOf(sample.file_key));
      expect(sha(alone.png)).toBe(sha(stored));
      expect(sha(batched.png)).toBe(sha(stored));
      // Caches far smaller than one batch's faces change nothing either.
      const many = variants.slice(0, 12).map((v) => Recipe.parse(JSON.parse(v.recipe)));
      const tight = await new VariantRenderer(pack, project.faces, null, { cacheLimit: 2 }).render([...many, recipe]);
      expect(sha(tight.at(-1)!.png)).toBe(sha(stored));
    } finally {
      await pack.close();
    }
  });

  it('skips a variant that changes nothing visible, counted with its reason and edit kind, and keeps a relight that does change', async () => {
    const jobId = await runJob({
      sources: { kind: 'identities', identityIds: [1] },
      pack: { kind: 'default', refit: false },
      // Ordinal 0 of each face takes the first edit (the light at strength 0: no change), ordinal 1 the second.
      edits: [
        { type: 'direction', name: 'light_left_right', strength: [0, 0] },
        { type: 'direction', name: 'light_left_right', strength: [2, 2] },
      ],
      variantsPerSource: 2,
      seed: 3,
      refineIterations: 0,
    });
    const faces = project.faces.faces().filter((f) => f.identityId === 1).length;
    const variants = variantsOf(jobId);
    const summary = jobSummary(project.session.db, jobId);
    const unchanged = summary.skipped.find((s) => s.reason === 'no-visible-change');
    expect(unchanged).toEqual({ reason: 'no-visible-change', label: expect.stringMatching(/near-duplicate.*\(relight\)$/), count: faces });
    const details = project.session.db
      .prepare("SELECT ordinal, detail FROM variant_skips WHERE job_id = ? AND reason = 'no-visible-change'")
      .all(jobId) as { ordinal: number; detail: string }[];
    expect(details.every((d) => d.ordinal === 0 && /^relight: mean change 0\.\d\/255 over the photo/.test(d.detail))).toBe(true);
    // The strong relights are all kept, unless one clips.
    expect(variants.every((v) => v.ordinal === 1)).toBe(true);
    expect(variants.length + summary.skipped.filter((s) => s.reason === 'realism-clipped').reduce((n, s) => n + s.count, 0)).toBe(faces);
    expect(variants.length).toBeGreaterThan(0);
    expect(project.session.jobs.get(jobId).message).toContain(`no-visible-change (relight)`);
  });

  it('resumes after a crash by rendering only the uncommitted ordinals, identically', async () => {
    const request: SynthesizeRequest = {
      sources: { kind: 'images', imageIds: [1, 2, 3] },
      pack: { kind: 'default', refit: false },
      edits,
      variantsPerSource: 6,
      seed: 7,
      refineIterations: 0,
    };
    const jobId = await runJob(request);
    const before = variantsOf(jobId);
    expect(before.length + skippedOf(jobId)).toBe(18);
    const hashes = new Map(before.map((v) => [v.file_key, sha(readFileSync(project.session.media.pathOf(v.file_key)))]));
    // A crash after these commits: the last source's rows never landed.
    project.session.db.prepare('DELETE FROM variants WHERE job_id = ? AND source_image_id = 3').run(jobId);
    project.session.db.prepare('DELETE FROM variant_skips WHERE job_id = ? AND source_image_id = 3').run(jobId);
    project.session.db.prepare("UPDATE jobs SET state = 'failed' WHERE id = ?").run(jobId);
    project.session.jobs.resume(jobId);
    await project.session.jobs.idle();
    const after = variantsOf(jobId);
    expect(after).toHaveLength(before.length);
    expect(after.length + skippedOf(jobId)).toBe(18);
    expect(after.filter((v) => v.source_image_id !== 3).map((v) => v.id)).toEqual(
      before.filter((v) => v.source_image_id !== 3).map((v) => v.id),
    );
    for (const v of after) expect(sha(readFileSync(project.session.media.pathOf(v.file_key)))).toBe(hashes.get(v.file_key));
    expect(project.session.jobs.get(jobId)).toMatchObject({ state: 'done', done: 18 });
  });

  it('stops at a batch boundary when cancelled', async () => {
    const { id } = project.session.jobs.enqueue('synthesize', {
      sources: { kind: 'all' },
      edits,
      variantsPerSource: 16,
      seed: 1,
    });
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (project.session.jobs.get(id).done > 0) {
          clearInterval(poll);
          resolve();
        }
      }, 20);
    });
    project.session.jobs.cancel(id);
    await project.session.jobs.idle();
    const status = project.session.jobs.get(id);
    expect(status.state).toBe('cancelled');
    expect(variantsOf(id).length).toBeLessThan(55 * 16);
    expect((variantsOf(id).length + skippedOf(id)) % 32).toBe(0);
  });

  it('runs a StyleGAN-shaped pack end to end through the same job (direct composition, mapping present)', async () => {
    const dir = join(root, 'stylegan');
    await writeStyleganShapedPack(dir);
    const pack = await loadGeneratorPack(dir, runtime);
    const packId = registerPack(project.session.db, pack);
    await pack.close();
    const jobId = await runJob({
      sources: { kind: 'images', imageIds: [10, 20] },
      pack: { kind: 'installed', packId },
      edits: [
        { type: 'direction', name: 'smile', strength: [1, 2] },
        { type: 'mix', parts: ['fine_style'], donors: 'random', strength: [0.5, 1] },
      ],
      variantsPerSource: 3,
      seed: 3,
      refineIterations: 2,
    });
    expect(project.session.jobs.get(jobId)).toMatchObject({ state: 'done', done: 6 });
    const variants = variantsOf(jobId);
    expect(variants.map((v) => v.width)).toEqual([32, 32, 32, 32, 32, 32]);
    expect(variants.map((v) => v.edit_kind)).toEqual(['expression', 'relight', 'expression', 'expression', 'relight', 'expression']);
    expect(variants.every((v) => v.pack_id === packId && v.latent_delta_norm > 0)).toBe(true);
  });

  it('clears the pack folders a killed fit left behind when it fits again, and keeps every registered pack and foreign folder', async () => {
    const packs = defaultPacksDir(project.session.path);
    const fitted = latestDefaultPack(project.session.db)!;
    // What a fit killed after writing its pack, and one killed while writing it, leave behind.
    cpSync(fitted.path, join(packs, 'default-20250101000000000-abcdef'), { recursive: true });
    mkdirSync(join(packs, '.0123456789ab.pack-tmp'));
    mkdirSync(join(packs, 'my-notes'));
    const jobId = await runJob({
      sources: { kind: 'images', imageIds: [1] },
      pack: { kind: 'default', refit: true },
      edits,
      variantsPerSource: 1,
      seed: 0,
      refineIterations: 0,
    });
    expect(project.session.jobs.get(jobId).state).toBe('done');
    const refitted = latestDefaultPack(project.session.db)!;
    // The same faces fit the same pack (same hash), so its row now names the new folder.
    expect(refitted.id).toBe(fitted.id);
    expect(existsSync(refitted.path)).toBe(true);
    // The old folder was still registered when the refit cleared the others; the next fit clears it.
    expect(readdirSync(packs).sort()).toEqual(
      [fitted.path, refitted.path]
        .map((p) => p.slice(packs.length + 1))
        .concat('my-notes')
        .sort(),
    );
  });

  it('fails a job whose edits name parts the pack does not have, saying which exist', async () => {
    const jobId = await runJob({
      sources: { kind: 'images', imageIds: [1] },
      pack: { kind: 'default', refit: false },
      edits: [{ type: 'mix', parts: ['beard'], donors: 'random', strength: [1, 1] }],
      variantsPerSource: 1,
      seed: 0,
      refineIterations: 0,
    });
    const status = project.session.jobs.get(jobId);
    expect(status.state).toBe('failed');
    expect(status.error).toMatch(/has no part "beard" \(it has: illumination, skin, eyes, brows, nose, mouth, hair, background\)/);
  });
});

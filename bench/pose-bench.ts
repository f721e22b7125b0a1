/**
 * Pose speed through the product's path: a whole synthesize job of the pose presets on a project of
 * real photos (its plan leaves out the turns a source cannot take, its gate checks every recipe);
 * then its renderer turns the same heads at the pose crop size, and each variant is scored (a) as the job scores it (the
 * default embedder on the aligned crop, the turn's holes blacked out) and (b) as a photo is scored
 * (detect → mesh → align → embed, which also says whether FaceMesh still finds the face). Beside it,
 * the bare job scoring of the same images, so the ratio says what turning adds to scoring.
 * Run alone: npx tsx bench/pose-bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SynthesizeRequest } from '#api/synthesis.ts';
import { InferenceClient } from '../app/main/inference/inference-client.ts';
import { DonorPool, planRecipe } from '../app/main/synthesis/edits/recipe-planner.ts';
import { GridSampler } from '../app/main/synthesis/geometry/grid-sampler.ts';
import { POSE_CROP_SIZE } from '../app/main/synthesis/geometry/mesh-render.ts';
import { loadGeneratorPack } from '../app/main/synthesis/packs/pack-loader.ts';
import { cropFrame, visionIdentityScorer } from '../app/main/synthesis/sources/project-identity-scorer.ts';
import { AnalysedPhotoSource } from '../app/main/synthesis/testing/analysed-photo-source.ts';
import { sharedFaceChips } from '../app/main/synthesis/testing/shared-face-chips.ts';
import { writeStyleganShapedPack } from '../app/main/synthesis/testing/stylegan-shaped-pack.ts';
import { VariantRenderer } from '../app/main/synthesis/variants/variant-renderer.ts';
import { VisionRuntime } from '../app/main/vision/vision-runtime.ts';
import { benchStamp, isEntryPoint, writeBenchResult } from './bench-results.ts';
import { timeSynthesisJob } from './job-speed.ts';
import { cpuPerVariant, round, timeVariants, variantSpeed } from './variant-speed.ts';

const SOURCES = 10;
const VARIANTS_PER_SOURCE = 6;

export interface PoseBenchResult {
  readonly cropSize: number;
  readonly variants: number;
  /** The whole synthesize job (plan, gate, render, score, PNG, commit), planned variants per second of wall time. */
  readonly jobVariantsPerSecond: number;
  /** Planned variants the job skipped with a reason (counted in `jobVariantsPerSecond`). */
  readonly jobSkipped: number;
  /** Render + the job's scoring, per second of wall time. */
  readonly variantsPerSecond: number;
  /** Render + detect → align → embed, per second. */
  readonly variantsPerSecondPhotoScoring: number;
  /** Wall-clock per variant; `renderCpu` is the process's CPU time rendering took (as `cpuMsPerVariant.render.process`). */
  readonly msPerVariant: {
    readonly render: number;
    readonly renderCpu: number;
    readonly jobScoring: number;
    readonly photoScoring: number;
  };
  /**
   * CPU time per variant, which the machine's load does not inflate as it does wall time: the whole
   * process (main thread, inference worker, PNG encoding, GC) and the main thread alone (null off
   * Linux); the rest of `process` is mostly the worker's GridSample.
   */
  readonly cpuMsPerVariant: {
    readonly render: { readonly process: number; readonly mainThread: number | null };
    readonly jobScoring: { readonly process: number; readonly mainThread: number | null };
  };
  /** Share of the variants in which the photo pipeline finds the face again. */
  readonly faceFound: number;
  /** 1-minute load average at the end: these machines are shared, and wall-clock rates fall with it. */
  readonly loadAverage: number;
  /** (render + job scoring) / job scoring of the same images. */
  readonly ratioToJobScoring: number;
  /** (render + photo scoring) / photo scoring of the same images. */
  readonly ratioToPhotoScoring: number;
}

export async function benchPose(): Promise<PoseBenchResult> {
  const client = new InferenceClient();
  const dir = mkdtempSync(join(tmpdir(), 'likeness-pose-bench-'));
  try {
    const vision = new VisionRuntime(client);
    const photos = sharedFaceChips(['johns'], 2).map((c) => ({ path: c.path, identityId: c.identityId }));
    const faces = await AnalysedPhotoSource.analyse(photos.slice(0, SOURCES), vision);
    // Pose recipes name a pack for provenance only; a tiny one keeps the bench about turning heads.
    await writeStyleganShapedPack(join(dir, 'pack'));
    const pack = await loadGeneratorPack(join(dir, 'pack'), client);
    const request: SynthesizeRequest = {
      sources: { kind: 'all' },
      pack: { kind: 'default', refit: false },
      edits: [{ type: 'pose', strength: [1, 1] }],
      variantsPerSource: VARIANTS_PER_SOURCE,
      seed: 1,
      refineIterations: 0,
    };
    const donors = new DonorPool(faces.faces());
    const recipes = faces
      .faces()
      .flatMap((source) => Array.from({ length: VARIANTS_PER_SOURCE }, (_, o) => planRecipe(pack, request, donors, source, o)));
    const scorer = visionIdentityScorer(vision, () => new Map());
    const sampler = new GridSampler(client);
    // Warm the models (and the GridSample graph) so load time is not counted against either side.
    const warmFace = faces.faces()[0].faceId;
    await scorer.embed([await faces.alignedCrop(warmFace, POSE_CROP_SIZE)], [await cropFrame(faces, warmFace, POSE_CROP_SIZE)]);
    await new VariantRenderer(pack, faces, scorer, { sampler }).render(recipes.slice(0, 1));

    const linked = faces.faces().map((face) => ({ ...face, path: photos[face.imageId - 1].path }));
    const job = await timeSynthesisJob(join(dir, 'bench.likeness'), linked, faces, client, scorer, request);
    const timings = await timeVariants(() => new VariantRenderer(pack, faces, scorer, { sampler }).render(recipes), scorer, vision);
    await pack.close();
    const speed = variantSpeed(timings);
    return {
      cropSize: POSE_CROP_SIZE,
      variants: timings.variants,
      jobVariantsPerSecond: round(job.planned / (job.timing.wallMs / 1000)),
      jobSkipped: job.skipped,
      variantsPerSecond: speed.variantsPerSecond,
      variantsPerSecondPhotoScoring: speed.variantsPerSecondPhotoScoring,
      msPerVariant: speed.msPerVariant,
      cpuMsPerVariant: {
        render: cpuPerVariant(timings.render, timings.variants),
        jobScoring: cpuPerVariant(timings.jobScoring, timings.variants),
      },
      faceFound: round(timings.facesFound / timings.variants, 3),
      loadAverage: round(loadavg()[0]),
      ratioToJobScoring: speed.ratioToJobScoring,
      ratioToPhotoScoring: speed.ratioToPhotoScoring,
    };
  } finally {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isEntryPoint(import.meta.url)) {
  const result = await benchPose();
  writeBenchResult('pose-speed', result);
  console.log(JSON.stringify({ stamp: benchStamp(), ...result }, null, 2));
  console.log(`(${cpus().length} cores)`);
}

/**
 * Relighting speed through the product's path: a real synthesize job (relight edits only, so no
 * generator) on a project of real photos, from planning to rendered, scored, PNG-encoded variants
 * committed to the database and media store; then the job's renderer and scoring alone on the same
 * recipes, each variant scored (a) as the job scores it (the default embedder on the aligned crop)
 * and (b) as a photo is scored (detect → mesh → align → embed). Beside it, the bare scoring cost of
 * the same faces, so the ratio says what relighting adds to scoring.
 * Run alone: npx tsx bench/relight-bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SynthesizeRequest } from '#api/synthesis.ts';
import { InferenceClient } from '../app/main/inference/inference-client.ts';
import { cropFrame, visionIdentityScorer } from '../app/main/synthesis/sources/project-identity-scorer.ts';
import { DonorPool, planRecipe } from '../app/main/synthesis/edits/recipe-planner.ts';
import { RELIGHT_CROP_SIZE } from '../app/main/synthesis/relight/relight-face.ts';
import { AnalysedPhotoSource } from '../app/main/synthesis/testing/analysed-photo-source.ts';
import { sharedFaceChips } from '../app/main/synthesis/testing/shared-face-chips.ts';
import { VariantRenderer } from '../app/main/synthesis/variants/variant-renderer.ts';
import { VisionRuntime } from '../app/main/vision/vision-runtime.ts';
import { isEntryPoint, writeBenchResult } from './bench-results.ts';
import { timeSynthesisJob } from './job-speed.ts';
import { round, timeVariants, variantSpeed } from './variant-speed.ts';

const SOURCES = 10;
const VARIANTS_PER_SOURCE = 8;

export interface RelightBenchResult {
  readonly machine: { readonly cpus: number; readonly model: string };
  readonly cropSize: number;
  readonly variants: number;
  /** The whole synthesize job (plan, render, score, PNG, commit), per second of wall time. */
  readonly jobVariantsPerSecond: number;
  /** Render + the job's scoring, per second of wall time. */
  readonly variantsPerSecond: number;
  /** The job's scoring alone (embedding the same variants again), per second. */
  readonly scoringOnlyPerSecond: number;
  /** Render + detect → align → embed, per second. */
  readonly variantsPerSecondPhotoScoring: number;
  /** Wall-clock per variant; `renderCpu` is the CPU time rendering took, what it costs on an idle core. */
  readonly msPerVariant: {
    readonly render: number;
    readonly renderCpu: number;
    /** CPU time (every thread of the process: main, inference worker, libvips) per variant. */
    readonly jobCpu: number;
    readonly jobScoringCpu: number;
    readonly jobScoring: number;
    readonly photoScoring: number;
  };
  /** Planned variants the job skipped (counted in `jobVariantsPerSecond`: rendered, never scored or stored). */
  readonly jobSkipped: number;
  /**
   * The job's main-thread CPU per variant (Linux /proc; null elsewhere): rendering lives there, and
   * with scoring and PNG encoding on other threads it bounds the rate: on two idle cores the job
   * cannot beat 1000 / max(main thread, all threads / 2) variants per second (`idleBoundPerSecond`).
   */
  readonly jobMainThreadCpu: number | null;
  readonly idleBoundPerSecond: number | null;
  /** Job CPU per variant over bare scoring CPU per variant, measured in the same run: load-independent. */
  readonly cpuRatioToScoring: number;
  /** 1-minute load average at the end: these machines are shared, and wall-clock rates fall with it. */
  readonly loadAverage: number;
  /** (render + job scoring) / job scoring of the same images. */
  readonly ratioToJobScoring: number;
  /** (render + photo scoring) / photo scoring of the same images. */
  readonly ratioToPhotoScoring: number;
}

export async function benchRelight(): Promise<RelightBenchResult> {
  const client = new InferenceClient();
  const dir = mkdtempSync(join(tmpdir(), 'likeness-relight-bench-'));
  try {
    const vision = new VisionRuntime(client);
    const photos = sharedFaceChips(['johns'], 2).map((c) => ({ path: c.path, identityId: c.identityId }));
    const faces = await AnalysedPhotoSource.analyse(photos.slice(0, SOURCES), vision);
    const request: SynthesizeRequest = {
      sources: { kind: 'all' },
      pack: { kind: 'default', refit: false },
      edits: [{ type: 'relight', strength: [1, 1] }],
      variantsPerSource: VARIANTS_PER_SOURCE,
      seed: 1,
      refineIterations: 0,
    };
    const donors = new DonorPool(faces.faces());
    const recipes = faces
      .faces()
      .flatMap((source) => Array.from({ length: VARIANTS_PER_SOURCE }, (_, o) => planRecipe(null, request, donors, source, o)));
    const scorer = visionIdentityScorer(vision, () => new Map());
    // Warm the models so load time is not counted against either side.
    const warmFace = faces.faces()[0].faceId;
    await scorer.embed([await faces.alignedCrop(warmFace, RELIGHT_CROP_SIZE)], [await cropFrame(faces, warmFace, RELIGHT_CROP_SIZE)]);

    const linked = faces.faces().map((face) => ({ ...face, path: photos[face.imageId - 1].path }));
    const {
      timing: job,
      planned,
      skipped: jobSkipped,
    } = await timeSynthesisJob(join(dir, 'bench.likeness'), linked, faces, client, scorer, request);

    const timings = await timeVariants(() => new VariantRenderer(null, faces, scorer).render(recipes), scorer, vision);
    const speed = variantSpeed(timings);
    const jobCpu = job.cpuMs / planned;
    const jobMainThread = job.mainThreadMs === null ? null : job.mainThreadMs / planned;
    const bareScoringCpu = timings.bareScoring.cpuMs / timings.variants;
    return {
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'cpu' },
      cropSize: RELIGHT_CROP_SIZE,
      variants: timings.variants,
      jobVariantsPerSecond: round(planned / (job.wallMs / 1000)),
      variantsPerSecond: speed.variantsPerSecond,
      scoringOnlyPerSecond: speed.scoringOnlyPerSecond,
      variantsPerSecondPhotoScoring: speed.variantsPerSecondPhotoScoring,
      msPerVariant: {
        render: speed.msPerVariant.render,
        renderCpu: speed.msPerVariant.renderCpu,
        jobCpu: round(jobCpu),
        jobScoringCpu: round(bareScoringCpu),
        jobScoring: speed.msPerVariant.jobScoring,
        photoScoring: speed.msPerVariant.photoScoring,
      },
      jobSkipped,
      jobMainThreadCpu: jobMainThread === null ? null : round(jobMainThread),
      idleBoundPerSecond: jobMainThread === null ? null : round(1000 / Math.max(jobMainThread, jobCpu / 2)),
      cpuRatioToScoring: round(jobCpu / bareScoringCpu),
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
  const result = await benchRelight();
  writeBenchResult('relight', result);
  console.log(JSON.stringify(result, null, 2));
}

/**
 * Relighting speed through the product's path: a real synthesize job (relight edits only, so no
 * generator) on a project of real photos, from planning to rendered, scored, PNG-encoded variants
 * committed to the database and media store; then the job's renderer and scoring alone on the same
 * recipes, each variant scored (a) as the job scores it (the default embedder on the aligned crop)
 * and (b) as a photo is scored (detect → mesh → align → embed). Beside it, the bare scoring cost of
 * the same faces, so the ratio says what relighting adds to scoring.
 * Run alone: npx tsx bench/relight-bench.ts
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SynthesizeRequest } from '#api/synthesis.ts';
import { InferenceClient } from '../app/main/inference/inference-client.ts';
import { IdentityScoring } from '../app/main/synthesis/variants/identity-scoring.ts';
import { rgbFromPlanar } from '../app/main/synthesis/packs/image-tensor.ts';
import { cropFrame, visionIdentityScorer } from '../app/main/synthesis/sources/project-identity-scorer.ts';
import { DonorPool, planRecipe } from '../app/main/synthesis/edits/recipe-planner.ts';
import { RELIGHT_CROP_SIZE } from '../app/main/synthesis/relight/relight-face.ts';
import { AnalysedPhotoSource } from '../app/main/synthesis/testing/analysed-photo-source.ts';
import { sharedFaceChips } from '../app/main/synthesis/testing/shared-face-chips.ts';
import { openSynthesisTestProject } from '../app/main/synthesis/testing/synthesis-test-project.ts';
import { VariantRenderer } from '../app/main/synthesis/variants/variant-renderer.ts';
import { DEFAULT_EMBEDDING_MODEL } from '../app/main/vision/embedding-models.ts';
import { analyseImage } from '../app/main/vision/face-analysis.ts';
import { VisionRuntime } from '../app/main/vision/vision-runtime.ts';
import { isEntryPoint, writeBenchResult } from './bench-results.ts';

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
    const project = openSynthesisTestProject(join(dir, 'bench.likeness'), linked, faces, client, scorer);
    const jobCpu0 = process.cpuUsage();
    const main0 = mainThreadCpuMs();
    const j0 = performance.now();
    const { id: jobId } = project.session.jobs.enqueue('synthesize', request);
    await project.session.jobs.idle();
    const jobSeconds = (performance.now() - j0) / 1000;
    const jobCpu = process.cpuUsage(jobCpu0);
    const main1 = mainThreadCpuMs();
    const status = project.session.jobs.get(jobId);
    const { n: jobSkipped } = project.session.db.prepare('SELECT count(*) AS n FROM variant_skips WHERE job_id = ?').get(jobId) as {
      n: number;
    };
    await project.session.close();
    if (status.state !== 'done') throw new Error(`relight job ended ${status.state}: ${status.error}`);

    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const rendered = await new VariantRenderer(null, faces, scorer).render(recipes);
    const t1 = performance.now();
    const renderCpu = process.cpuUsage(cpu0);
    const scoring = new IdentityScoring(scorer);
    await scoring.score(
      rendered,
      recipes.map(() => null),
    );
    const t2 = performance.now();
    const scoringCpu0 = process.cpuUsage();
    // The bare scoring cost of the same faces: the same images scored again, nothing rendered.
    await new IdentityScoring(scorer).score(
      rendered,
      recipes.map(() => null),
    );
    const t3 = performance.now();
    const scoringCpu = process.cpuUsage(scoringCpu0);
    for (const variant of rendered) {
      await analyseImage({ width: variant.image.size, height: variant.image.size, data: rgbFromPlanar(variant.image) }, vision, {
        embeddingModels: [DEFAULT_EMBEDDING_MODEL],
        maxFaces: 1,
      });
    }
    const t4 = performance.now();
    const n = rendered.length;
    const render = (t1 - t0) / n;
    const jobScoring = (t3 - t2) / n;
    const photoScoring = (t4 - t3) / n;
    const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
    return {
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'cpu' },
      cropSize: RELIGHT_CROP_SIZE,
      variants: n,
      jobVariantsPerSecond: round(status.total / jobSeconds),
      variantsPerSecond: round(1000 / (render + (t2 - t1) / n)),
      scoringOnlyPerSecond: round(1000 / jobScoring),
      variantsPerSecondPhotoScoring: round(1000 / (render + photoScoring)),
      msPerVariant: {
        render: round(render),
        renderCpu: round((renderCpu.user + renderCpu.system) / 1000 / n),
        jobCpu: round((jobCpu.user + jobCpu.system) / 1000 / status.total),
        jobScoringCpu: round((scoringCpu.user + scoringCpu.system) / 1000 / n),
        jobScoring: round(jobScoring),
        photoScoring: round(photoScoring),
      },
      jobSkipped,
      jobMainThreadCpu: main0 === null || main1 === null ? null : round((main1 - main0) / status.total),
      idleBoundPerSecond:
        main0 === null || main1 === null
          ? null
          : round(1000 / Math.max((main1 - main0) / status.total, (jobCpu.user + jobCpu.system) / 1000 / status.total / 2)),
      cpuRatioToScoring: round((jobCpu.user + jobCpu.system) / status.total / ((scoringCpu.user + scoringCpu.system) / n)),
      loadAverage: round(loadavg()[0]),
      ratioToJobScoring: round((render + (t2 - t1) / n) / jobScoring),
      ratioToPhotoScoring: round((render + photoScoring) / photoScoring),
    };
  } finally {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU time of this process's main thread so far, in ms, from /proc (null where there is none). */
function mainThreadCpuMs(): number | null {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime (fields 14 and 15 of stat, 12 and 13 after the command name), in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

if (isEntryPoint(import.meta.url)) {
  const result = await benchRelight();
  writeBenchResult('relight', result);
  console.log(JSON.stringify(result, null, 2));
}

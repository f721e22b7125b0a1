/**
 * Pose speed through the product's path: a synthesize job's renderer turns real photos' heads (the
 * pose presets) at the pose crop size, and each variant is scored (a) as the job scores it (the
 * default embedder on the aligned crop, the turn's holes blacked out) and (b) as a photo is scored
 * (detect → mesh → align → embed, which also says whether FaceMesh still finds the face). Beside it,
 * the bare job scoring of the same images, so the ratio says what turning adds to scoring.
 * Run alone: npx tsx bench/pose-bench.ts
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SynthesizeRequest } from '#api/synthesis.ts';
import { InferenceClient } from '../app/main/inference/inference-client.ts';
import { DonorPool, planRecipe } from '../app/main/synthesis/edits/recipe-planner.ts';
import { GridSampler } from '../app/main/synthesis/geometry/grid-sampler.ts';
import { POSE_CROP_SIZE } from '../app/main/synthesis/geometry/mesh-render.ts';
import { rgbFromPlanar } from '../app/main/synthesis/packs/image-tensor.ts';
import { loadGeneratorPack } from '../app/main/synthesis/packs/pack-loader.ts';
import { cropFrame, visionIdentityScorer } from '../app/main/synthesis/sources/project-identity-scorer.ts';
import { AnalysedPhotoSource } from '../app/main/synthesis/testing/analysed-photo-source.ts';
import { sharedFaceChips } from '../app/main/synthesis/testing/shared-face-chips.ts';
import { writeStyleganShapedPack } from '../app/main/synthesis/testing/stylegan-shaped-pack.ts';
import { IdentityScoring } from '../app/main/synthesis/variants/identity-scoring.ts';
import { VariantRenderer } from '../app/main/synthesis/variants/variant-renderer.ts';
import { DEFAULT_EMBEDDING_MODEL } from '../app/main/vision/embedding-models.ts';
import { analyseImage } from '../app/main/vision/face-analysis.ts';
import { VisionRuntime } from '../app/main/vision/vision-runtime.ts';
import { benchStamp, isEntryPoint, writeBenchResult } from './bench-results.ts';

const SOURCES = 10;
const VARIANTS_PER_SOURCE = 6;

export interface PoseBenchResult {
  readonly cropSize: number;
  readonly variants: number;
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

    const cpu0 = process.cpuUsage();
    const main0 = mainThreadCpuMs();
    const t0 = performance.now();
    const rendered = await new VariantRenderer(pack, faces, scorer, { sampler }).render(recipes);
    const t1 = performance.now();
    const renderCpu = process.cpuUsage(cpu0);
    const main1 = mainThreadCpuMs();
    const cpu1 = process.cpuUsage();
    await new IdentityScoring(scorer).score(
      rendered,
      recipes.map(() => null),
    );
    const t2 = performance.now();
    const scoringCpu = process.cpuUsage(cpu1);
    const main2 = mainThreadCpuMs();
    await new IdentityScoring(scorer).score(
      rendered,
      recipes.map(() => null),
    );
    const t3 = performance.now();
    let found = 0;
    for (const variant of rendered) {
      const analysis = await analyseImage(
        { width: variant.image.size, height: variant.image.size, data: rgbFromPlanar(variant.image) },
        vision,
        {
          embeddingModels: [DEFAULT_EMBEDDING_MODEL],
          maxFaces: 1,
        },
      );
      if (analysis.primary !== null) found += 1;
    }
    const t4 = performance.now();
    await pack.close();
    const n = rendered.length;
    const render = (t1 - t0) / n;
    const jobScoring = (t3 - t2) / n;
    const photoScoring = (t4 - t3) / n;
    const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
    return {
      cropSize: POSE_CROP_SIZE,
      variants: n,
      variantsPerSecond: round(1000 / (render + (t2 - t1) / n)),
      variantsPerSecondPhotoScoring: round(1000 / (render + photoScoring)),
      msPerVariant: {
        render: round(render),
        renderCpu: round((renderCpu.user + renderCpu.system) / 1000 / n),
        jobScoring: round(jobScoring),
        photoScoring: round(photoScoring),
      },
      cpuMsPerVariant: {
        render: {
          process: round((renderCpu.user + renderCpu.system) / 1000 / n),
          mainThread: main0 === null || main1 === null ? null : round((main1 - main0) / n),
        },
        jobScoring: {
          process: round((scoringCpu.user + scoringCpu.system) / 1000 / n),
          mainThread: main1 === null || main2 === null ? null : round((main2 - main1) / n),
        },
      },
      faceFound: round(found / n, 3),
      loadAverage: round(loadavg()[0]),
      ratioToJobScoring: round((render + (t2 - t1) / n) / jobScoring),
      ratioToPhotoScoring: round((render + photoScoring) / photoScoring),
    };
  } finally {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The main thread's CPU time in ms (Linux: its task's utime + stime, 10 ms ticks), or null where that is not readable. */
function mainThreadCpuMs(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

if (isEntryPoint(import.meta.url)) {
  const result = await benchPose();
  writeBenchResult('pose-speed', result);
  console.log(JSON.stringify({ stamp: benchStamp(), ...result }, null, 2));
  console.log(`(${cpus().length} cores)`);
}

/**
 * The timing the edit-speed benches (pose, relight) share: a renderer's variants timed as rendered,
 * then scored as the job scores them, scored again from scratch (the bare scoring cost of the same
 * images, nothing rendered) and run through the photo pipeline (detect → mesh → align → embed).
 * Each phase is taken in wall time, process CPU and main-thread CPU in the same run, so the ratios
 * say what the edit adds to scoring on whatever load the machine had.
 */
import { readFileSync } from 'node:fs';
import { rgbFromPlanar } from '../app/main/synthesis/packs/image-tensor.ts';
import type { IdentityScorer } from '../app/main/synthesis/sources/face-source.ts';
import { IdentityScoring } from '../app/main/synthesis/variants/identity-scoring.ts';
import type { RenderedVariant } from '../app/main/synthesis/variants/variant-renderer.ts';
import { DEFAULT_EMBEDDING_MODEL } from '../app/main/vision/embedding-models.ts';
import { analyseImage } from '../app/main/vision/face-analysis.ts';
import type { VisionRuntime } from '../app/main/vision/vision-runtime.ts';

export interface PhaseTiming {
  readonly wallMs: number;
  /** CPU time of every thread of the process (main thread, inference worker, libvips, GC). */
  readonly cpuMs: number;
  /** The main thread's CPU time (Linux /proc, 10 ms ticks; null elsewhere). */
  readonly mainThreadMs: number | null;
}

export async function timePhase<T>(run: () => Promise<T>): Promise<{ result: T; timing: PhaseTiming }> {
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpuMs();
  const t0 = performance.now();
  const result = await run();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const main1 = mainThreadCpuMs();
  return {
    result,
    timing: { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, mainThreadMs: main0 === null || main1 === null ? null : main1 - main0 },
  };
}

export interface VariantTimings {
  readonly variants: number;
  readonly render: PhaseTiming;
  /** The job's scoring of the fresh variants (their sources embedded too, as a job does). */
  readonly jobScoring: PhaseTiming;
  /** The same variants scored again by a new scoring pass: what scoring alone costs. */
  readonly bareScoring: PhaseTiming;
  /** Every variant scored as a photo is: detect → mesh → align → embed. */
  readonly photoScoring: PhaseTiming;
  /** Variants in which the photo pipeline finds the face again. */
  readonly facesFound: number;
}

/** Renders with `render` (models already warm), then times the three ways of scoring the result. */
export async function timeVariants(
  render: () => Promise<RenderedVariant[]>,
  scorer: IdentityScorer,
  vision: VisionRuntime,
): Promise<VariantTimings> {
  const { result: rendered, timing: renderTiming } = await timePhase(render);
  const identities = rendered.map(() => null);
  const { timing: jobScoring } = await timePhase(() => new IdentityScoring(scorer).score(rendered, identities));
  const { timing: bareScoring } = await timePhase(() => new IdentityScoring(scorer).score(rendered, identities));
  const { result: facesFound, timing: photoScoring } = await timePhase(async () => {
    let found = 0;
    for (const variant of rendered) {
      const image = { width: variant.image.size, height: variant.image.size, data: rgbFromPlanar(variant.image) };
      const analysis = await analyseImage(image, vision, { embeddingModels: [DEFAULT_EMBEDDING_MODEL], maxFaces: 1 });
      if (analysis.primary !== null) found += 1;
    }
    return found;
  });
  return { variants: rendered.length, render: renderTiming, jobScoring, bareScoring, photoScoring, facesFound };
}

/** The figures both benches report, per variant and as rates and ratios, from one `timeVariants`. */
export function variantSpeed(t: VariantTimings) {
  const n = t.variants;
  const render = t.render.wallMs / n;
  const jobScoring = t.jobScoring.wallMs / n;
  const bareScoring = t.bareScoring.wallMs / n;
  const photoScoring = t.photoScoring.wallMs / n;
  return {
    /** Render + the job's scoring, per second of wall time. */
    variantsPerSecond: round(1000 / (render + jobScoring)),
    /** Scoring alone (the bare pass), per second. */
    scoringOnlyPerSecond: round(1000 / bareScoring),
    /** Render + detect → align → embed, per second. */
    variantsPerSecondPhotoScoring: round(1000 / (render + photoScoring)),
    msPerVariant: {
      render: round(render),
      renderCpu: round(t.render.cpuMs / n),
      jobScoring: round(bareScoring),
      photoScoring: round(photoScoring),
    },
    /** (render + job scoring) / bare scoring of the same images. */
    ratioToJobScoring: round((render + jobScoring) / bareScoring),
    /** (render + photo scoring) / photo scoring of the same images. */
    ratioToPhotoScoring: round((render + photoScoring) / photoScoring),
  };
}

/** A phase's CPU per variant: the whole process and the main thread alone. */
export function cpuPerVariant(timing: PhaseTiming, variants: number): { process: number; mainThread: number | null } {
  return {
    process: round(timing.cpuMs / variants),
    mainThread: timing.mainThreadMs === null ? null : round(timing.mainThreadMs / variants),
  };
}

export function round(value: number, digits = 2): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}

/** The main thread's CPU time in ms (Linux: its task's utime + stime, 10 ms ticks), or null where that is not readable. */
function mainThreadCpuMs(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

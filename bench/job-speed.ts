/**
 * A whole synthesize job as a user runs it (plan, gate, render, score, PNG, commit) on a project of
 * analysed photos, timed in one phase: what the edit-speed benches (pose, relight) set beside their
 * renderer-and-scoring figures.
 */
import type { SynthesizeRequest } from '#api/synthesis.ts';
import type { InferenceRuntime } from '../app/main/synthesis/packs/inference-runtime.ts';
import type { FaceSource, IdentityScorer } from '../app/main/synthesis/sources/face-source.ts';
import { openSynthesisTestProject, type PhotoFace } from '../app/main/synthesis/testing/synthesis-test-project.ts';
import { timePhase, type PhaseTiming } from './variant-speed.ts';

export interface JobRun {
  readonly timing: PhaseTiming;
  /** Variants planned: made, plus skipped with a reason. */
  readonly planned: number;
  /** Planned variants the job skipped (rendered or refused, never scored or stored). */
  readonly skipped: number;
}

export async function timeSynthesisJob(
  path: string,
  photos: readonly PhotoFace[],
  faces: FaceSource,
  runtime: InferenceRuntime,
  scorer: IdentityScorer,
  request: SynthesizeRequest,
): Promise<JobRun> {
  const project = openSynthesisTestProject(path, photos, faces, runtime, scorer);
  try {
    const { result: jobId, timing } = await timePhase(async () => {
      const { id } = project.session.jobs.enqueue('synthesize', request);
      await project.session.jobs.idle();
      return id;
    });
    const status = project.session.jobs.get(jobId);
    if (status.state !== 'done') throw new Error(`${request.edits[0].type} job ended ${status.state}: ${status.error}`);
    const { n: skipped } = project.session.db.prepare('SELECT count(*) AS n FROM variant_skips WHERE job_id = ?').get(jobId) as {
      n: number;
    };
    return { timing, planned: status.total, skipped };
  } finally {
    await project.session.close();
  }
}

import type { z } from 'zod';
import type { JobKind } from '#api/jobs.ts';

export interface JobContext<P> {
  readonly jobId: number;
  readonly params: P;
  readonly signal: AbortSignal;
  /** Cheap to call per item: persistence and events are throttled by the queue. */
  progress(done: number, total: number, message?: string): void;
}

/**
 * A job must be resumable: after a crash the queue runs it again from the start with the same
 * params, so `run` skips the work whose results are already committed.
 */
export interface JobHandler<P = unknown> {
  readonly kind: JobKind;
  readonly params: z.ZodType<P>;
  run(context: JobContext<P>): Promise<void>;
}

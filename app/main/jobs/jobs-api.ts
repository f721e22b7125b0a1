import type { jobCommands } from '#api/jobs.ts';
import type { Handlers } from '../core/api-router.ts';
import type { JobQueue } from './job-queue.ts';

/** What the job commands need of the workspace: the open project's queue, if any. */
export interface JobQueueSource {
  readonly session: { readonly jobs: JobQueue } | null;
  require(): { readonly jobs: JobQueue };
}

export function jobHandlers(workspace: JobQueueSource): Pick<Handlers, keyof typeof jobCommands> {
  return {
    'jobs.list': ({ limit }) => workspace.session?.jobs.list(limit) ?? [],
    'jobs.cancel': ({ jobId }) => workspace.require().jobs.cancel(jobId),
    'jobs.resume': ({ jobId }) => workspace.require().jobs.resume(jobId),
  };
}

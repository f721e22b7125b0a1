import type { jobCommands } from '../../api/jobs.ts';
import type { Handlers } from '../host/api-router.ts';
import type { Workspace } from '../project/workspace.ts';

export function jobHandlers(workspace: Workspace): Pick<Handlers, keyof typeof jobCommands> {
  return {
    'jobs.list': ({ limit }) => workspace.session?.jobs.list(limit) ?? [],
    'jobs.cancel': ({ jobId }) => workspace.require().jobs.cancel(jobId),
    'jobs.resume': ({ jobId }) => workspace.require().jobs.resume(jobId),
  };
}

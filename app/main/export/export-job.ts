import { ExportSettings } from '#api/export.ts';
import type { JobHandler } from '../jobs/job-handler.ts';
import type { ProjectSession } from '../project/project-session.ts';
import { exportProject } from './export-service.ts';

const count = new Intl.NumberFormat('en-US');

/** Both numbers grouped alike: "692 of 2,423 files", never one grouped and one not. */
export function exportProgressMessage(done: number, total: number): string {
  return `${count.format(done)} of ${count.format(total)} files`;
}

/**
 * An export is atomic, so resuming it after a crash simply runs it again: the crashed run's staging
 * folder is cleaned first and the destination only ever receives a complete export.
 */
export function exportJobHandler(session: ProjectSession): JobHandler<ExportSettings> {
  return {
    kind: 'export',
    params: ExportSettings,
    run: async ({ jobId, params, signal, progress }) => {
      await exportProject(session, params, {
        jobId,
        signal,
        progress: (done, total) => progress(done, total, exportProgressMessage(done, total)),
      });
    },
  };
}

import { resolve } from 'node:path';
import { ExportReport, type exportCommands, type ExportRecord } from '#api/export.ts';
import type { Handlers } from '../core/api-router.ts';
import type { Workspace } from '../project/workspace.ts';
import { checkDestination, previewExport } from './export-service.ts';

interface ExportRow {
  id: number;
  job_id: number | null;
  destination: string;
  state: ExportRecord['state'];
  report: string | null;
  created_at: string;
  finished_at: string | null;
}

export function exportHandlers(workspace: Workspace): Pick<Handlers, keyof typeof exportCommands> {
  return {
    'export.preview': (settings) => previewExport(workspace.require(), settings),
    'export.start': (settings) => {
      const session = workspace.require();
      // Checked now as well as when the job runs, so the form shows the problem at once.
      checkDestination(resolve(settings.destination), settings.overwrite);
      return { jobId: session.jobs.enqueue('export', settings).id };
    },
    'export.list': ({ limit }) => {
      const session = workspace.session;
      if (!session) return [];
      const rows = session.db.prepare('SELECT * FROM exports ORDER BY id DESC LIMIT ?').all(limit) as ExportRow[];
      return rows.map((row) => ({
        id: row.id,
        jobId: row.job_id,
        destination: row.destination,
        state: row.state,
        createdAt: row.created_at,
        finishedAt: row.finished_at,
        report: row.report === null ? null : parseReport(row.report),
      }));
    },
  };
}

/** A report written by another version may not parse; the record is still worth listing. */
function parseReport(text: string): ExportReport | null {
  try {
    const parsed = ExportReport.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

import { existsSync, readdirSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { ApiError } from '#api/errors.ts';
import type { ExportPreview, ExportReport, ExportSettings } from '#api/export.ts';
import type { ProjectDatabase } from '../project/project-database.ts';
import type { ProjectSession } from '../project/project-session.ts';
import { alignedOriginalPng } from './aligned-original.ts';
import { planExport } from './export-plan.ts';
import { preflight } from './export-preflight.ts';
import { buildReport, REPORT_FILE } from './export-report.ts';
import { writeExport } from './export-writer.ts';
import { StagingFolder } from './staging-folder.ts';

export interface ExportRunOptions {
  /** The job running this export, so a resumed job updates its record instead of adding one. */
  readonly jobId?: number;
  readonly signal?: AbortSignal;
  /** Called after each file; awaited, so a caller can also pace or pause the export. */
  readonly progress?: (done: number, total: number) => void | Promise<void>;
}

/**
 * The one way to export, for the job queue (UI) and the CLI alike: plan from a consistent snapshot,
 * write into a staging folder beside the destination, then rename it into place. Any failure or
 * abort removes the staging folder, and a crashed run's leftovers are cleaned by the next run.
 */
export async function exportProject(
  session: ProjectSession,
  settings: ExportSettings,
  options: ExportRunOptions = {},
): Promise<ExportReport> {
  const destination = resolve(settings.destination);
  checkDestination(destination, settings.overwrite);
  const exportId = openRecord(session.db, destination, settings, options.jobId ?? null);
  try {
    const plan = planExport(session.db, session.media, settings);
    const staging = await StagingFolder.begin(destination);
    let report: ExportReport;
    try {
      await writeExport(staging.path, plan, {
        formats: settings.formats,
        alignedCrop: (faceId, size) => alignedOriginalPng(session, faceId, size),
        signal: options.signal,
        onFile: options.progress,
      });
      report = buildReport(plan, settings);
      await writeFile(join(staging.path, REPORT_FILE), `${JSON.stringify(report, null, 2)}\n`);
      options.signal?.throwIfAborted();
      checkDestination(destination, settings.overwrite);
      await staging.commit();
    } catch (error) {
      await staging.discard();
      throw error;
    }
    closeRecord(session.db, exportId, 'done', report);
    return report;
  } catch (error) {
    closeRecord(session.db, exportId, options.signal?.aborted ? 'cancelled' : 'failed', null);
    throw error;
  }
}

export function previewExport(session: ProjectSession, settings: ExportSettings): ExportPreview {
  const plan = planExport(session.db, session.media, settings);
  return preflight(plan, settings, plan.variantSize);
}

/**
 * Replacing is allowed only for an earlier Likeness export (it holds our report) or an empty folder,
 * so a mistyped destination can never wipe unrelated files.
 */
export function checkDestination(destination: string, overwrite: boolean): void {
  if (basename(destination) === '') throw new ApiError('INVALID_INPUT', `${destination}: not a folder name`);
  if (!existsSync(destination)) return;
  if (!statSync(destination).isDirectory()) throw new ApiError('INVALID_INPUT', `${destination} exists and is not a folder`);
  const entries = readdirSync(destination);
  if (entries.length === 0) return;
  if (!overwrite) throw new ApiError('INVALID_INPUT', `${destination} already exists; choose another folder or allow overwrite`);
  if (!entries.includes(REPORT_FILE)) {
    throw new ApiError('INVALID_INPUT', `${destination} is not a Likeness export; refusing to replace it`);
  }
}

function openRecord(db: ProjectDatabase, destination: string, settings: ExportSettings, jobId: number | null): number {
  const now = new Date().toISOString();
  const existing =
    jobId === null ? undefined : (db.prepare('SELECT id FROM exports WHERE job_id = ?').pluck().get(jobId) as number | undefined);
  if (existing !== undefined) {
    db.prepare("UPDATE exports SET state = 'running', report = NULL, finished_at = NULL WHERE id = ?").run(existing);
    return existing;
  }
  return Number(
    db
      .prepare("INSERT INTO exports (job_id, destination, settings, state, created_at) VALUES (?, ?, ?, 'running', ?)")
      .run(jobId, destination, JSON.stringify(settings), now).lastInsertRowid,
  );
}

function closeRecord(db: ProjectDatabase, id: number, state: 'done' | 'failed' | 'cancelled', report: ExportReport | null): void {
  db.prepare('UPDATE exports SET state = ?, report = ?, finished_at = ? WHERE id = ?').run(
    state,
    report === null ? null : JSON.stringify(report),
    new Date().toISOString(),
    id,
  );
}

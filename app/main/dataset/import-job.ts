import { join } from 'node:path';
import { z } from 'zod';
import { ImportRequest } from '#api/dataset.ts';
import type { EventBus } from '../core/event-bus.ts';
import type { JobContext, JobHandler } from '../jobs/job-handler.ts';
import type { ProjectSession } from '../project/project-session.ts';
import { DatasetChanges } from './dataset-changes.ts';
import { inspectImage, type Inspection } from './image-inspect.ts';
import type { ImportItem } from './import-item.ts';
import { planImport } from './import-plan.ts';
import { ImportStore } from './import-store.ts';
import { mapInOrder } from './ordered-pool.ts';

/** Paths in `request` are absolute: the job may resume in a process started from another folder. */
export const ImportJobParams = z.object({ datasetId: z.number().int().positive(), request: ImportRequest });
export type ImportJobParams = z.infer<typeof ImportJobParams>;

/**
 * Files decoded at once. sharp runs each decode on one of libuv's four pool threads: 3 keeps both
 * cores of the target machine busy while a file is read or hashed, and leaves a pool thread for
 * file I/O, the host's media reads included, which would otherwise queue behind the decodes.
 * bench/import-bench.ts measures 1 to 4.
 */
export const IMPORT_CONCURRENCY = 3;

export interface ImportJobOptions {
  /** Files decoded at once; the bench varies it, the app keeps the default. */
  readonly concurrency?: number;
}

export function importJobHandler(session: ProjectSession, events: EventBus, options: ImportJobOptions = {}): JobHandler<ImportJobParams> {
  const concurrency = options.concurrency ?? IMPORT_CONCURRENCY;
  return { kind: 'import', params: ImportJobParams, run: (context) => runImport(session, events, concurrency, context) };
}

async function runImport(
  session: ProjectSession,
  events: EventBus,
  concurrency: number,
  context: JobContext<ImportJobParams>,
): Promise<void> {
  const { params, signal, progress } = context;
  const { root } = params.request;
  progress(0, 0, `scanning ${root}`);
  const items = await planImport(params.request, signal);
  // An import of nothing is a mistake (wrong folder, wrong level), never a success with "no problems".
  if (items.length === 0) {
    throw new Error(
      `0 images found in ${root}: no image files in it or its subfolders (looked for .jpg, .png, .webp and other image names)`,
    );
  }
  const store = new ImportStore(session.db, params.datasetId);
  const changes = new DatasetChanges(session.db, events);
  const identityIds = store.identityIds(items.flatMap((item) => (item.identity === null ? [] : [item.identity])));
  const committed = store.committedPaths();
  const todo = items.filter((item) => !committed.has(item.relPath));
  let done = items.length - todo.length;
  progress(done, items.length, done > 0 ? `resuming after ${done} files` : undefined);

  const inspect = async (item: ImportItem): Promise<{ item: ImportItem; inspection: Inspection }> => ({
    item,
    inspection: item.problem
      ? { ok: false, bytes: null, problem: item.problem }
      : await inspectImage(join(root, item.relPath), item.label, session.media),
  });
  try {
    for await (const { item, inspection } of mapInOrder(todo, concurrency, inspect)) {
      if (signal.aborted) break;
      store.commit(item.relPath, item.identity === null ? null : identityIds.get(item.identity)!, inspection);
      done += 1;
      progress(done, items.length, item.relPath);
      changes.touch();
    }
  } finally {
    changes.flush();
  }
}

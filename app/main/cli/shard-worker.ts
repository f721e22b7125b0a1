import { resolve } from 'node:path';
import type { JobStatus } from '#api/jobs.ts';
import type { ProjectSession } from '../project/project-session.ts';
import type { ProjectDatabase } from '../project/project-database.ts';
import { cutShard } from '../shards/shard-cut.ts';
import { writeManifest, type ShardManifest } from '../shards/shard-manifest.ts';
import { parseShard } from '../shards/shard-slice.ts';
import { flagString } from './cli-args.ts';
import type { CliContext } from './cli-command.ts';
import { followJob } from './job-progress.ts';

export const shardUsage = '--shard i/N --out <shard folder>';

export interface ShardJob {
  readonly kind: ShardManifest['kind'];
  /** What the user asked for, as the project's job list will show it after the merge. */
  readonly request: Record<string, unknown>;
  /** Refuses a run that cannot succeed, before any shard folder is made (the project, read only). */
  check?(project: ProjectDatabase, projectPath: string): void;
  /** Starts the job on the worker's copy for this slice; null when the slice has nothing to do. */
  start(session: ProjectSession, manifest: ShardManifest): Promise<number | null>;
  /** What the finished shard holds, for the merge and the log. */
  counts(session: ProjectSession, manifest: ShardManifest): Record<string, number>;
}

/**
 * The worker side of a sharded run, for a cluster engine to start N times: cut the slice into a
 * shard folder (the project is only read), run the ordinary job on the folder's copy of the project,
 * mark the shard complete. A worker started again (a preempted pod, a requeued array task) resumes
 * its own job; one whose shard is complete does nothing.
 */
export async function runShardWorker(context: CliContext, projectPath: string, job: ShardJob): Promise<number> {
  const { args, client, services, out } = context;
  const shard = parseShard(flagString(args, 'shard') ?? '');
  const dir = flagString(args, 'out');
  if (!dir) throw new Error(`--shard needs --out <folder>: where this worker writes its shard (the project is only read)`);
  const cut = await cutShard({ projectPath, dir, kind: job.kind, shard, request: job.request, check: job.check });
  const label = `${job.kind} shard ${shard.index}/${shard.count}`;
  if (cut.manifest.complete) {
    out(`${label} is already complete in ${dir}`);
    return 0;
  }
  out(`${label}: ${cut.manifest.imageIds.length} images of the project${cut.resumed ? ' (resuming)' : ''}`);
  await client.call('project.open', { path: cut.workPath });
  const session = services.workspace.require();
  let jobId =
    (session.db
      .prepare('SELECT id FROM jobs WHERE id > ? AND kind = ? ORDER BY id LIMIT 1')
      .pluck()
      .get(cut.manifest.baseJobId, job.kind) as number | undefined) ?? null;
  if (jobId === null) jobId = await job.start(session, cut.manifest);
  if (jobId !== null) {
    const before = session.jobs.get(jobId).state;
    if (before === 'cancelled' || before === 'failed') session.jobs.resume(jobId);
    const status: JobStatus = await followJob(client, jobId);
    if (status.state !== 'done') {
      out(`${label} ${status.state}${status.error ? `: ${status.error}` : ''}; run the same command again to resume`);
      return 1;
    }
  }
  const finished = { ...cut.manifest, jobId };
  const counts = job.counts(session, finished);
  // Out of WAL mode, so the merge can read the copy from a read-only mount (WAL needs a writable -shm).
  session.db.pragma('journal_mode = DELETE');
  writeManifest(resolve(dir), { ...finished, complete: true, counts });
  out(
    `${label} complete in ${dir}: ${Object.entries(counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}`,
  );
  return 0;
}

import type { CliCommand } from './cli-command.ts';
import { followJob } from './job-progress.ts';
import { runShardWorker, shardUsage, type ShardJob } from './shard-worker.ts';

/** A cluster worker's analysis: its slice only; centroids and primary faces are redone by the merge. */
const analyzeShard: ShardJob = {
  kind: 'analyze',
  request: {},
  start: async (session, manifest) => session.jobs.enqueue('analyze', { shard: { imageIds: manifest.imageIds } }).id,
  counts: (session, manifest) =>
    session.db
      .prepare(
        `SELECT count(*) AS images, coalesce(sum(face_count), 0) AS faces, count(*) FILTER (WHERE status = 'error') AS errors
         FROM analyses WHERE image_id IN (SELECT value FROM json_each(?))`,
      )
      .get(JSON.stringify(manifest.imageIds)) as Record<string, number>,
};

export const analyzeCommand: CliCommand = {
  name: 'analyze',
  usage: `likeness analyze <file.likeness> [${shardUsage}]`,
  summary:
    'detect, align and embed every face not analysed yet (resumes an interrupted run); with --shard, worker i of N ' +
    'analyses its slice (content hash mod N) into a shard folder without writing the project, for `likeness merge`',
  async run(context) {
    const { args, client, out } = context;
    const path = args.positional[0];
    if (!path) throw new Error(`usage: ${this.usage}`);
    if (args.flags.has('shard')) return runShardWorker(context, path, analyzeShard);
    await client.call('project.open', { path });
    const { jobId } = await client.call('vision.analyze', { imageIds: [] });
    const status = await followJob(client, jobId);
    const summary = await client.call('vision.summary', {});
    const s = summary.byStatus;
    out(`analysed    ${summary.analyzed} of ${summary.images} images (${summary.pending} pending)`);
    out(`faces       ${s.ok} one face, ${s.multiple_faces} several faces, ${s.no_face} no face, ${s.error} errors`);
    out(`outliers    ${summary.outliers} faces far from their identity's centroid (${summary.model})`);
    if (status.state !== 'done') {
      out(`analysis ${status.state}${status.error ? `: ${status.error}` : ''}`);
      return 1;
    }
    return 0;
  },
};

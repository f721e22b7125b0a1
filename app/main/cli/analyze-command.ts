import type { CliCommand } from './cli-command.ts';
import { followJob } from './job-progress.ts';

export const analyzeCommand: CliCommand = {
  name: 'analyze',
  usage: 'likeness analyze <file.likeness>',
  summary: 'detect, align and embed every face not analysed yet (resumes an interrupted run)',
  async run({ args, client, out }) {
    const path = args.positional[0];
    if (!path) throw new Error(`usage: ${this.usage}`);
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

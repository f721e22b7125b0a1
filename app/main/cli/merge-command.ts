import { mergeShards } from '../shards/shard-merge.ts';
import type { CliCommand } from './cli-command.ts';

export const mergeCommand: CliCommand = {
  name: 'merge',
  usage: 'likeness merge <file.likeness> <shard folder>...',
  summary:
    'fold finished shards of `analyze|synthesize --shard i/N` into the project (idempotent; a killed merge leaves the project unchanged, run it again)',
  async run({ args, client, services, out }) {
    const [path, ...shards] = args.positional;
    if (!path || shards.length === 0) throw new Error(`usage: ${this.usage}`);
    await client.call('project.open', { path });
    const report = await mergeShards(services.workspace.require(), shards);
    out(
      `merged      ${report.shards} shards: ${report.images} analysed images, ${report.variants} variants, ` +
        `${report.skips} skipped variants, ${report.mediaFiles} media files new to the project`,
    );
    const summary = await client.call('vision.summary', {});
    out(`analysed    ${summary.analyzed} of ${summary.images} images (${summary.pending} pending)`);
    return 0;
  },
};

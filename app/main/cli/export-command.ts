import { ExportFormat, OriginalsMode, type ExportSettingsInput } from '#api/export.ts';
import { flagString, type ParsedArgs } from './cli-args.ts';
import type { CliCommand } from './cli-command.ts';
import { followJob } from './job-progress.ts';

/** `--formats a,b`, `--split-by`, `--seed`, `--ratios t,v,t`, `--originals`, `--aligned-size`, `--overwrite`. */
function exportSettings(args: ParsedArgs, destination: string): ExportSettingsInput {
  const formats = flagString(args, 'formats')
    ?.split(',')
    .map((f) => ExportFormat.parse(f.trim()));
  const ratios = flagString(args, 'ratios')?.split(',').map(Number);
  if (ratios && (ratios.length !== 3 || ratios.some((r) => !Number.isFinite(r))))
    throw new Error('--ratios: three numbers, e.g. 0.8,0.1,0.1');
  const seed = flagString(args, 'seed');
  const alignedSize = flagString(args, 'aligned-size');
  const by = flagString(args, 'split-by');
  if (by !== undefined && by !== 'identity' && by !== 'source') throw new Error('--split-by: identity or source');
  return {
    destination,
    ...(formats ? { formats } : {}),
    split: {
      ...(by ? { by } : {}),
      ...(seed !== undefined ? { seed: Number(seed) } : {}),
      ...(ratios ? { train: ratios[0], val: ratios[1], test: ratios[2] } : {}),
    },
    ...(flagString(args, 'originals') ? { originals: OriginalsMode.parse(flagString(args, 'originals')) } : {}),
    ...(alignedSize ? { alignedSize: Number(alignedSize) } : {}),
    overwrite: args.flags.has('overwrite'),
  };
}

export const exportCommand: CliCommand = {
  name: 'export',
  usage:
    'likeness export <file.likeness> --out <folder> [--formats imagefolder,huggingface,csv] [--split-by identity|source] [--seed n] [--ratios 0.8,0.1,0.1] [--originals none|file|aligned] [--aligned-size n] [--overwrite]',
  summary: 'export the originals and accepted variants as a training dataset (atomic, deterministic)',
  switches: ['overwrite'],
  async run({ args, client, out }) {
    const path = args.positional[0];
    const destination = flagString(args, 'out');
    if (!path || !destination) throw new Error(`usage: ${this.usage}`);
    await client.call('project.open', { path });
    const { jobId } = await client.call('export.start', exportSettings(args, destination));
    const status = await followJob(client, jobId);
    if (status.state !== 'done') {
      out(`export ${status.state}${status.error ? `: ${status.error}` : ''}`);
      return 1;
    }
    const [record] = await client.call('export.list', { limit: 1 });
    const report = record?.report;
    out(`exported    ${record?.destination ?? destination}`);
    if (report) {
      out(`files       ${report.totals.files} (${report.totals.originals} originals, ${report.totals.variants} variants)`);
      for (const [split, counts] of Object.entries(report.splits)) {
        out(`${split.padEnd(12)}${counts.identities} identities, ${counts.originals} originals, ${counts.variants} variants`);
      }
    }
    return 0;
  },
};

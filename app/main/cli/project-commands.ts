import { existsSync } from 'node:fs';
import type { ApiClient } from '#api/client.ts';
import type { ProjectSummary } from '#api/project.ts';
import { flagString } from './cli-args.ts';
import type { CliCommand } from './cli-command.ts';
import { followJob } from './job-progress.ts';

async function openOrCreate(client: ApiClient, path: string): Promise<ProjectSummary> {
  return existsSync(path) ? client.call('project.open', { path }) : client.call('project.create', { path });
}

function describe(summary: ProjectSummary): string[] {
  const c = summary.counts;
  return [
    `project     ${summary.path}`,
    `schema      v${summary.schemaVersion}, created ${summary.createdAt}`,
    `identities  ${c.identities}`,
    `images      ${c.images} ok, ${c.duplicates} duplicates, ${c.problems} problems`,
  ];
}

export const importCommand: CliCommand = {
  name: 'import',
  usage: 'likeness import <folder> --project <file.likeness> [--csv <mapping.csv>]',
  summary: 'import a folder (ImageFolder layout, or flat with a CSV mapping) into a project',
  async run({ args, client, out }) {
    const root = args.positional[0];
    const project = flagString(args, 'project');
    if (!root || !project) throw new Error(`usage: ${this.usage}`);
    await openOrCreate(client, project);
    const csv = flagString(args, 'csv');
    const { jobId } = await client.call('dataset.import', csv ? { layout: 'csv', root, mappingCsv: csv } : { layout: 'imagefolder', root });
    const status = await followJob(client, jobId);
    const summary = await client.call('project.current', {});
    if (summary) for (const line of describe(summary)) out(line);
    const problems = await client.call('dataset.problems', { offset: 0, limit: 50 });
    for (const item of problems.items) {
      out(
        item.status === 'duplicate'
          ? `duplicate   ${item.path}: same bytes as ${item.duplicateOfPath ?? `image ${item.duplicateOf}`}`
          : `problem     ${item.path}: ${item.errorCode} ${item.errorMessage ?? ''}`,
      );
    }
    if (problems.total > problems.items.length) out(`problem     … and ${problems.total - problems.items.length} more`);
    if (status.state !== 'done') {
      out(`import ${status.state}${status.error ? `: ${status.error}` : ''}`);
      return 1;
    }
    return 0;
  },
};

export const infoCommand: CliCommand = {
  name: 'info',
  usage: 'likeness info <file.likeness>',
  summary: 'print a project summary and the inference runtime in use',
  async run({ args, client, out }) {
    const path = args.positional[0];
    if (!path) throw new Error(`usage: ${this.usage}`);
    const summary = await client.call('project.open', { path });
    for (const line of describe(summary)) out(line);
    const info = await client.call('system.info', {});
    const ep = info.executionProvider;
    out(`runtime     onnxruntime ${ep.active} (available: ${ep.available.join(', ')})`);
    if (ep.fallbackReason) out(`fallback    ${ep.fallbackReason}`);
    out(`likeness    ${info.version}`);
    return 0;
  },
};

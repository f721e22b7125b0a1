import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ApiClient } from '#api/client.ts';
import type { JobStatus } from '#api/jobs.ts';
import { flagString } from './cli-args.ts';
import type { CliCommand } from './cli-command.ts';
import { followJob } from './job-progress.ts';
import { serveUntilStopped } from './serve-command.ts';
import { allPresets, edits } from './synthesize-command.ts';

/** Where `npm run demo` finds faces when none is named: the shared photo set beside the checkout. */
const defaultFolder = '../shared/faces/johns';

export const demoCommand: CliCommand = {
  name: 'demo',
  usage: 'likeness demo [folder] [--project demo.likeness] [--variants 4] [--port <n>] [--no-serve]',
  summary: 'the whole job on the embedded default generator: import, analyse, synthesize, then serve the app',
  switches: ['no-serve'],
  async run(context) {
    const { args, client, out } = context;
    const folder = resolve(args.positional[0] ?? defaultFolder);
    const project = resolve(flagString(args, 'project') ?? 'demo.likeness');
    const variants = Number(flagString(args, 'variants') ?? '4');
    if (!Number.isInteger(variants) || variants < 1 || variants > 64)
      throw new Error(`--variants takes 1 to 64, got "${flagString(args, 'variants')}"`);

    const opened = existsSync(project)
      ? await client.call('project.open', { path: project })
      : await client.call('project.create', { path: project });
    out(`project     ${opened.path}`);

    if (opened.counts.images === 0) {
      if (!existsSync(folder) || !statSync(folder).isDirectory()) {
        throw new Error(`${folder}: no such folder of faces; name one: npm run demo -- <folder in ImageFolder layout>`);
      }
      await step(client, 'import', folder, () => client.call('dataset.import', { layout: 'imagefolder', root: folder }));
    } else {
      out(`import      skipped: the project already holds ${opened.counts.images} images`);
    }
    const current = await client.call('project.current', {});
    out(
      `dataset     ${current?.counts.identities ?? 0} identities, ${current?.counts.images ?? 0} images, ${current?.counts.problems ?? 0} problems`,
    );

    await step(client, 'analyse', 'each face not analysed yet', () => client.call('vision.analyze', { imageIds: [] }));
    const vision = await client.call('vision.summary', {});
    out(
      `faces       ${vision.byStatus.ok} with one face, ${vision.byStatus.multiple_faces} with several, ${vision.byStatus.no_face} without (scorer ${vision.model})`,
    );

    const before = await client.call('curation.progress', {});
    if (before.total === 0) {
      const synthesized = await step(client, 'synthesize', `${variants} variants per face, default generator`, () =>
        client.call('synthesis.start', {
          sources: { kind: 'all' },
          pack: { kind: 'default', refit: false },
          edits: edits(allPresets),
          variantsPerSource: variants,
          seed: 0,
          refineIterations: 0,
        }),
      );
      const summary = await client.call('synthesis.jobSummary', { jobId: synthesized.id });
      const skipped = summary.skipped.reduce((n, s) => n + s.count, 0);
      if (skipped > 0) out(`skipped     ${skipped} planned variants (${summary.skipped.map((s) => `${s.count} ${s.reason}`).join(', ')})`);
      // Swaps a face could never take are left out of its plan; the job's last line says which, once.
      const leftOut = synthesized.message?.split('; ').find((part) => part.startsWith('left out:'));
      if (leftOut) out(`planned     ${leftOut}`);
    } else {
      out(`synthesize  skipped: the project already holds ${before.total} variants`);
    }
    const progress = await client.call('curation.progress', {});
    out(`variants    ${progress.total} to review (${progress.accepted} accepted, ${progress.rejected} rejected)`);

    if (args.flags.has('no-serve')) return 0;
    out('Review the variants in the Curate tab, then export from there.');
    return serveUntilStopped(context);
  },
};

async function step(client: ApiClient, name: string, what: string, start: () => Promise<{ jobId: number }>): Promise<JobStatus> {
  process.stderr.write(`${name}: ${what}\n`);
  const { jobId } = await start();
  const status = await followJob(client, jobId);
  if (status.state !== 'done') throw new Error(`${name} ${status.state}${status.error ? `: ${status.error}` : ''}`);
  return status;
}

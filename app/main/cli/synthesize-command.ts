import { existsSync } from 'node:fs';
import { DonorPolicy, SynthesizeRequest, type EditSpec, type PackChoice, type SourceSelection } from '#api/synthesis.ts';
import type { ProjectSession } from '../project/project-session.ts';
import { projectSynthesisDeps } from '../synthesis/synthesis-api.ts';
import { latestDefaultPack, resolveJobPack } from '../synthesis/variants/pack-resolver.ts';
import { selectSources } from '../synthesis/variants/synthesis-job.ts';
import type { EventBus } from '../core/event-bus.ts';
import { flagString, type ParsedArgs } from './cli-args.ts';
import type { CliCommand } from './cli-command.ts';
import { followJob } from './job-progress.ts';
import { runShardWorker, shardUsage, type ShardJob } from './shard-worker.ts';

/** Named edit sets for the default generator, so the common case needs no edit syntax (the synthesis bench runs them too). */
export const presets: Record<string, readonly EditSpec[]> = {
  /** Physically-based relighting from the face mesh, dealing the preset lamps in turn. */
  relight: [{ type: 'relight', strength: [1, 1] }],
  /** The head turned from its own face mesh, dealing the preset turns in turn. */
  pose: [{ type: 'pose', strength: [1, 1] }],
  /** Expressions made by moving the face mesh (smile, open mouth, closed eyes, raised brows), in turn. */
  'mesh-expression': [{ type: 'expression', expressions: ['smile', 'open-mouth', 'closed-eyes', 'raised-brows'], strength: [1, 1] }],
  /** The default generator's hair part: a tint of the hair colour toward another person's, not a new hairstyle (off by default). */
  hair: [{ type: 'mix', parts: ['hair'], donors: 'other-identities', strength: [0.7, 1] }],
  background: [{ type: 'mix', parts: ['background'], donors: 'other-identities', strength: [0.8, 1] }],
  expression: [{ type: 'mix', parts: ['eyes', 'brows', 'mouth'], donors: 'same-identity', strength: [0.8, 1] }],
  /** Sunglasses, clear glasses, a medical mask, a cap and a hand, dealt in turn (drawn from the face mesh, no generator). */
  occlusion: [{ type: 'occlusion', strength: [1, 1] }],
  /** The default generator's linear illumination basis, kept as an option. */
  'relight-linear': [
    { type: 'direction', name: 'light_left_right', strength: [-2, 2] },
    { type: 'direction', name: 'light_top_bottom', strength: [-2, 2] },
    { type: 'mix', parts: ['illumination'], donors: 'same-identity', strength: [0.7, 1] },
  ],
};

/**
 * What runs when no edits are named: the physical relight and background swaps. Not hair: the
 * default generator's hair part only tints the hair colour toward the donor (6–60 % of the way, no
 * texture, inside the source's own hair matte): on johns its variants changed a median 14 levels of
 * 255 inside the hair where the donor's differs by 54–85, identity to source 0.999. They were half
 * the job and near-duplicates, now skipped by the edit gate anyway. It stays available by name. Not expression, whose region mixing gives double brows and lips (it stays available by name
 * until pose and expression get a real editor), nor the linear relight, which stays an option.
 */
export const allPresets = ['relight', 'background'].join(',');

export const synthesizeCommand: CliCommand = {
  name: 'synthesize',
  usage:
    'likeness synthesize <file.likeness> [--identities 1,2 | --images 5,6] [--pack <folder> | --pack-id <n>] [--refit] ' +
    '[--edits relight,pose,mesh-expression,hair,background,expression,occlusion,relight-linear,direction:NAME:MIN:MAX,mix:PART+PART:POLICY:MIN:MAX] [--variants 8] [--seed 0] [--refine 0] ' +
    `[--fit-only | ${shardUsage}]`,
  summary:
    'make identity-preserving variants of a project’s faces with the default generator or a generator pack; --fit-only fits ' +
    'the default generator and stops; with --shard, worker i of N renders its slice (content hash mod N) into a shard folder ' +
    'without writing the project, for `likeness merge` (seeds follow the job seed, image and ordinal, never the layout)',
  switches: ['refit', 'fit-only'],
  async run(context) {
    const { args, client, services, out } = context;
    const path = args.positional[0];
    if (!path || !existsSync(path)) throw new Error(`usage: ${this.usage}`);
    let pack: PackChoice = { kind: 'default', refit: args.flags.get('refit') === true };
    const folder = flagString(args, 'pack');
    const packId = flagString(args, 'pack-id');
    const request = () =>
      SynthesizeRequest.parse({
        sources: sources(args),
        pack,
        edits: edits(flagString(args, 'edits') ?? allPresets),
        variantsPerSource: integer(flagString(args, 'variants') ?? '8', '--variants'),
        seed: integer(flagString(args, 'seed') ?? '0', '--seed'),
        refineIterations: integer(flagString(args, 'refine') ?? '0', '--refine'),
      });
    if (args.flags.has('shard')) {
      if (folder) throw new Error('a worker only reads the project: add the pack once with `likeness pack` or --pack, then give --pack-id');
      if (packId) pack = { kind: 'installed', packId: integer(packId, '--pack-id') };
      return runShardWorker(context, path, synthesizeShard(request(), services.events));
    }
    await client.call('project.open', { path });
    if (args.flags.get('fit-only') === true) {
      const session = services.workspace.require();
      const deps = projectSynthesisDeps(session, services.events);
      const fitted = await resolveJobPack(pack, {
        db: session.db,
        projectPath: session.path,
        runtime: deps.runtime,
        faces: deps.faces,
        jobId: 0,
        progress: (_, message) => process.stderr.write(`${message}\n`),
      });
      await fitted.pack.close();
      out(`pack        ${fitted.pack.manifest.name} (${fitted.pack.hash.slice(0, 12)}) is pack ${fitted.packId} of this project`);
      return 0;
    }
    if (folder) {
      const added = await client.call('synthesis.addPack', { path: folder });
      out(`pack        ${added.name} ${added.version} (${added.hash?.slice(0, 12)}) registered as ${added.id}`);
      pack = { kind: 'installed', packId: added.id! };
    } else if (packId) {
      pack = { kind: 'installed', packId: integer(packId, '--pack-id') };
    }
    const { jobId } = await client.call('synthesis.start', request());
    const status = await followJob(client, jobId);
    out(`synthesize  job ${jobId} ${status.state}: ${status.done}/${status.total} variants${status.message ? ` (${status.message})` : ''}`);
    const summary = await client.call('synthesis.jobSummary', { jobId });
    for (const { reason, label, count } of summary.skipped) out(`skipped     ${count} ${reason}: ${label}`);
    if (status.state !== 'done') {
      if (status.error) out(`error       ${status.error}`);
      return 1;
    }
    return 0;
  },
};

/**
 * A cluster worker's synthesis: the chosen sources that fall in its slice, under the job id a single
 * run would get. Every worker must render with the same generator, so the default one is fitted
 * once beforehand (`--fit-only`) rather than by each worker.
 */
function synthesizeShard(request: SynthesizeRequest, events: EventBus): ShardJob {
  const chosen = (session: ProjectSession) => selectSources(projectSynthesisDeps(session, events).faces.faces(), request.sources);
  return {
    kind: 'synthesize',
    request,
    check(project, projectPath) {
      if (request.pack.kind !== 'default') return;
      const fitted = request.pack.refit ? null : latestDefaultPack(project);
      if (!fitted) {
        throw new Error(
          'workers render with the generator the project already has, so that every shard uses the same one: fit it once where the ' +
            `project is writable (\`likeness synthesize ${projectPath} --fit-only\`), without --refit on the workers`,
        );
      }
      if (!existsSync(fitted.path))
        throw new Error(`the project's generator at ${fitted.path} is not readable here; mount the project at the same path`);
    },
    async start(session, manifest) {
      const slice = new Set(manifest.imageIds);
      const imageIds = [...new Set(chosen(session).map((face) => face.imageId))].filter((id) => slice.has(id));
      if (imageIds.length === 0) return null;
      return session.jobs.enqueue('synthesize', { ...request, sources: { kind: 'images', imageIds } }).id;
    },
    counts: (session, manifest) => ({
      ...(session.db
        .prepare(
          'SELECT (SELECT count(*) FROM variants WHERE job_id = @job) AS variants, (SELECT count(*) FROM variant_skips WHERE job_id = @job) AS skipped',
        )
        .get({ job: manifest.jobId ?? -1 }) as Record<string, number>),
      runTotal: chosen(session).length * request.variantsPerSource,
    }),
  };
}

function sources(args: ParsedArgs): SourceSelection {
  const identities = flagString(args, 'identities');
  const images = flagString(args, 'images');
  if (identities) return { kind: 'identities', identityIds: list(identities, '--identities') };
  if (images) return { kind: 'images', imageIds: list(images, '--images') };
  return { kind: 'all' };
}

/** `relight`, `direction:NAME:MIN:MAX` or `mix:PART+PART:POLICY:MIN:MAX`, comma separated. */
export function edits(text: string): EditSpec[] {
  return text.split(',').flatMap((item): EditSpec[] => {
    const preset = presets[item];
    if (preset) return [...preset];
    const [type, ...rest] = item.split(':');
    if (type === 'direction' && rest.length === 3) return [{ type, name: rest[0], strength: [number(rest[1]), number(rest[2])] }];
    if (type === 'mix' && rest.length === 4) {
      const donors = DonorPolicy.safeParse(rest[1]);
      if (!donors.success) throw new Error(`donor policy must be one of ${DonorPolicy.options.join(', ')}, got "${rest[1]}"`);
      return [{ type, parts: rest[0].split('+'), donors: donors.data, strength: [number(rest[2]), number(rest[3])] }];
    }
    throw new Error(
      `unknown edit "${item}": use ${Object.keys(presets).join(', ')}, direction:NAME:MIN:MAX or mix:PART+PART:POLICY:MIN:MAX`,
    );
  });
}

function number(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`not a number: "${text}"`);
  return value;
}

function integer(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value)) throw new Error(`${flag} takes an integer, got "${text}"`);
  return value;
}

function list(text: string, flag: string): number[] {
  return text.split(',').map((part) => integer(part.trim(), flag));
}

import { resolve } from 'node:path';
import { sharedInferenceClient } from '../inference/shared-inference-client.ts';
import { loadGeneratorPack } from '../synthesis/packs/pack-loader.ts';
import { EditKind } from '../synthesis/packs/pack-manifest.ts';
import { importStylegan2, type DirectionImport } from '../synthesis/stylegan/stylegan2-import.ts';
import { flagString } from './cli-args.ts';
import type { CliCommand } from './cli-command.ts';

const USAGE =
  'likeness pack import <checkpoint.pt|.pkl> --out <folder> [--truncation 0.7] [--noise const|none] [--directions name=file.npy[:start-end][:edit],…] [--name <text>] [--license <text>]';

/** `smile=smile.npy:0-8:expression,age=age.npy`: name, file, optional layer range and edit kind. */
export function parseDirections(text: string): DirectionImport[] {
  return text.split(',').map((item) => {
    const match = /^([a-z][a-z0-9_]*)=([^:]+)(?::(\d+)-(\d+))?(?::([a-z]+))?$/.exec(item.trim());
    if (!match) throw new Error(`--directions: "${item}" is not name=file[:start-end][:edit]`);
    const [, name, file, start, end, edit] = match;
    const parsedEdit = edit === undefined ? undefined : EditKind.safeParse(edit);
    if (parsedEdit && !parsedEdit.success) throw new Error(`--directions: edit "${edit}" is not one of ${EditKind.options.join(', ')}`);
    return {
      name: name!,
      file: resolve(file!),
      ...(start !== undefined ? { layers: [Number(start), Number(end)] as const } : {}),
      ...(parsedEdit ? { edit: parsedEdit.data } : {}),
    };
  });
}

/**
 * `likeness pack import`: a StyleGAN2 checkpoint (rosinality .pt or NVIDIA .pkl) → a generator
 * pack, read without running anything in the file, then validated by the same loader every job uses.
 */
export const packCommand: CliCommand = {
  name: 'pack',
  usage: USAGE,
  summary: 'import a StyleGAN2 checkpoint (rosinality .pt, NVIDIA .pkl) as a generator pack, safely',
  async run({ args, out }) {
    const [sub, checkpoint] = args.positional;
    const destination = flagString(args, 'out');
    if (sub !== 'import' || !checkpoint || !destination) throw new Error(`usage: ${USAGE}`);
    const truncationFlag = flagString(args, 'truncation');
    const truncation = truncationFlag === undefined ? undefined : Number(truncationFlag);
    const noise = flagString(args, 'noise');
    if (noise !== undefined && noise !== 'const' && noise !== 'none') throw new Error('--noise: const or none');
    const started = Date.now();
    const result = await importStylegan2(resolve(checkpoint), resolve(destination), {
      ...(truncation !== undefined ? { truncation } : {}),
      ...(noise ? { noise } : {}),
      ...(flagString(args, 'directions') ? { directions: parseDirections(flagString(args, 'directions')!) } : {}),
      ...(flagString(args, 'name') ? { name: flagString(args, 'name') } : {}),
      ...(flagString(args, 'license') ? { license: flagString(args, 'license') } : {}),
      onProgress: (step, done, total) => process.stderr.write(`pack import ${done}/${total} ${step}\n`),
    });
    process.stderr.write('pack import: validating the pack (signatures and a probe run)\n');
    const pack = await loadGeneratorPack(result.dir, sharedInferenceClient());
    await pack.close();
    out(`pack        ${result.dir}`);
    out(
      `source      ${result.format === 'nvidia' ? 'NVIDIA stylegan2-ada-pytorch snapshot (G_ema)' : 'rosinality stylegan2-pytorch checkpoint (g_ema)'}`,
    );
    out(
      `generator   ${result.resolution} px, W+ ${result.numWs} × 512, w_avg ${result.wAvgSource === 'checkpoint' ? 'from the checkpoint' : 'estimated (the checkpoint has none)'}`,
    );
    out(`parts       ${result.parts.map((p) => `${p.name} [${p.layers[0]}, ${p.layers[1]})`).join(', ')}`);
    out(`directions  ${pack.manifest.directions.map((d) => `${d.name} [${d.layers[0]}, ${d.layers[1]})`).join(', ') || 'none'}`);
    out(`took        ${((Date.now() - started) / 1000).toFixed(1)} s; add it with: likeness synthesize <project> --pack ${result.dir}`);
    return 0;
  },
};

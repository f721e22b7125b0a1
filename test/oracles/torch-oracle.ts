import { execFile, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/** Debian's python3-torch lives on the system interpreter, not on whatever `python3` a PATH finds first. */
export const oraclePython = process.env.LIKENESS_ORACLE_PYTHON ?? '/usr/bin/python3';
const script = resolve(import.meta.dirname, 'stylegan2_oracle.py');
const run = promisify(execFile);

function torchAvailable(): boolean {
  const probe = spawnSync(oraclePython, ['-c', 'import torch, numpy'], { stdio: 'ignore' });
  return probe.status === 0;
}

/**
 * Call at the top of a spec that needs the PyTorch oracle. In CI a missing python3-torch is a
 * failure (.ci/run installs it); locally the spec is skipped with the reason printed.
 */
export function torchOracleOrSkip(): boolean {
  if (torchAvailable()) return true;
  const reason = `PyTorch oracle unavailable: ${oraclePython} cannot import torch and numpy (apt-get install python3-torch)`;
  if (process.env.CI) throw new Error(reason);
  console.warn(`SKIPPED: ${reason}`);
  return false;
}

export interface GeneratorFixture {
  readonly checkpoint: string;
  readonly numWs: number;
  readonly resolution: number;
  readonly batch: number;
  readonly wDim: number;
  readonly psi: number;
  readonly z: Float32Array;
  readonly w: Float32Array;
  readonly wPlus: Float32Array;
  readonly image: Float32Array;
}

export interface GeneratorRequest {
  readonly format: 'rosinality' | 'nvidia';
  readonly resolution: number;
  readonly channelMax: number;
  readonly legacy?: boolean;
  readonly half?: boolean;
  /** rosinality only: save without latent_avg (as train.py does); writes w_avg.f32 and w_std.f32 from 4096 samples. */
  readonly noLatentAvg?: boolean;
  readonly seed?: number;
}

export async function f32(path: string): Promise<Float32Array> {
  const bytes = await readFile(path);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** A random-initialised reference generator saved in the format's own way, with a fixed W+, z and its outputs. */
export async function makeGeneratorFixture(out: string, request: GeneratorRequest): Promise<GeneratorFixture> {
  const args = [
    script,
    'generator',
    '--format',
    request.format,
    '--resolution',
    String(request.resolution),
    '--channel-max',
    String(request.channelMax),
    '--out',
    out,
  ];
  if (request.legacy) args.push('--legacy');
  if (request.half) args.push('--half');
  if (request.noLatentAvg) args.push('--no-latent-avg');
  if (request.seed !== undefined) args.push('--seed', String(request.seed));
  await run(oraclePython, args, { timeout: 120_000 });
  const meta = JSON.parse(await readFile(join(out, 'meta.json'), 'utf8')) as Omit<GeneratorFixture, 'z' | 'w' | 'wPlus' | 'image'>;
  return {
    ...meta,
    z: await f32(join(out, 'z.f32')),
    w: await f32(join(out, 'w.f32')),
    wPlus: await f32(join(out, 'wplus.f32')),
    image: await f32(join(out, 'image.f32')),
  };
}

/** Checkpoints that run `touch <marker>` when Python loads them: hostile-global.pkl, hostile-global.pt, hostile-persistence.pkl. */
export async function makeHostileCheckpoints(out: string, marker: string): Promise<void> {
  await run(oraclePython, [script, 'hostile', '--out', out, '--marker', marker], { timeout: 60_000 });
}

/** Loads a file the way a Python user would (torch.load / pickle.load): the control that shows it is hostile. */
export async function loadWithPython(file: string): Promise<void> {
  await run(oraclePython, [script, 'python-load', file], { timeout: 60_000 });
}
